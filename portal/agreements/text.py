"""An agreement's text: Markdown made safe HTML, and the canonical form whose SHA-256 identifies what was signed."""

import hashlib
import json
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML is not Markdown here: markdown-it escapes it, and nh3 keeps only these tags and these link schemes.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
ALLOWED_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "ul", "ol", "li", "a",
                "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_SCHEMES = {"https", "http", "mailto"}


HEADING_SHIFT = 2  # the page has its title (h1) and "The text" (h2): the text's own "# heading" is an h3


def to_html(markdown):
    """The Markdown as HTML that is safe to put in a page or a PDF (no raw HTML, no script, no javascript: links),
    its headings placed under the page's own."""
    env = {}
    tokens = _MARKDOWN.parse(markdown or "", env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + HEADING_SHIFT, 6)}"
    html = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, url_schemes=ALLOWED_SCHEMES))


def _normal(text):
    return unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n").replace("\r", "\n"))


def canonical_text(title_th, title_en, body_th, body_en):
    """The canonical form of an agreement's text: the titles and bodies in both languages, Unicode NFC, LF line ends,
    as JSON with sorted keys (so that the same text always gives the same bytes, whatever typed it)."""
    return json.dumps({"title_th": _normal(title_th), "title_en": _normal(title_en), "body_th": _normal(body_th),
                       "body_en": _normal(body_en)}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def text_sha256(title_th, title_en, body_th, body_en):
    """The SHA-256 (hex) of the canonical text."""
    return hashlib.sha256(canonical_text(title_th, title_en, body_th, body_en).encode()).hexdigest()

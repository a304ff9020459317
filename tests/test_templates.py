"""The templates' own house rules: fragments are blocks that htmx swaps, mail templates are mail, states have
classes of their own."""

import os
import re

from tests.support.databases import ROOT

TEMPLATES = os.path.join(ROOT, "templates")
PORTAL = os.path.join(ROOT, "portal")
# render("template.html", "block", ...) in a view: the block is what an htmx request gets.
RENDERED_BLOCK = re.compile(r'render\("([\w/]+\.html)", "(\w+)"')


def _source(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as handle:
        return handle.read()


def _python_sources():
    for folder, _, files in os.walk(PORTAL):
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    yield handle.read()


def _block(source, name):
    return re.search(r"{%\s*block " + name + r"\s*%}(.*?){%\s*endblock\s*%}", source, re.S).group(1)


def test_every_block_a_view_renders_alone_is_swapped_by_htmx():
    """A view that answers htmx with a block names a block some htmx request of the page targets (by the id of
    the block's outer element); no block is named for a form that htmx never sends."""
    pairs = {match for source in _python_sources() for match in RENDERED_BLOCK.findall(source)}
    assert len(pairs) >= 5
    unswapped = []
    for template, block in sorted(pairs):
        source = _source(template)
        element_id = re.search(r'id="([\w-]+)"', _block(source, block)).group(1)
        if f'hx-target="#{element_id}"' not in source:
            unswapped.append(f"{template} {block} (#{element_id})")
    assert not unswapped, unswapped


def test_no_template_asks_htmx_to_select_what_the_server_already_cuts_out():
    """The server answers htmx with the block itself: hx-select on top would only hide a mismatch."""
    offenders = [os.path.relpath(os.path.join(folder, name), TEMPLATES)
                 for folder, _, files in os.walk(TEMPLATES) for name in files
                 if "hx-select" in _source(os.path.relpath(os.path.join(folder, name), TEMPLATES))]
    assert offenders == []


def test_templates_under_mail_are_mail():
    """templates/mail holds emails (a text and an HTML part of one name) and their shared layout; web pages of the
    mail domain (the development mailbox) live with the other pages."""
    pages = []
    for folder, _, files in os.walk(os.path.join(TEMPLATES, "mail")):
        for name in files:
            stem, extension = os.path.splitext(name)
            if name.startswith("_"):
                continue  # a shared part of the layout
            sibling = stem + (".txt" if extension == ".html" else ".html")
            if sibling not in files or "{% extends \"base.html\" %}" in _source(
                    os.path.relpath(os.path.join(folder, name), TEMPLATES)):
                pages.append(os.path.relpath(os.path.join(folder, name), TEMPLATES))
    assert pages == []


def test_each_kind_of_state_has_its_own_classes():
    """States are styled by classes of their own domain (status-<domain>-<state>), not the outbox's."""
    borrowed = []
    for folder, _, files in os.walk(TEMPLATES):
        for name in files:
            path = os.path.relpath(os.path.join(folder, name), TEMPLATES)
            for classes in re.findall(r'class="status (status-[^"]*)"', _source(path)):
                if re.search(r"\b(sent|failed|dead|queued|sending)\b", classes) and "status-outbox-" not in classes:
                    borrowed.append((path, classes))
    assert borrowed == []

"""The files of a share request: images checked and re-encoded as logos are (portal.organisations.logos), PDF press
releases checked by their first bytes and their size. Nothing an uploader sends is kept as it came but a PDF, which
is only ever served as a download."""

import re

from flask_babel import lazy_gettext as _l

from portal.organisations.logos import NOT_AN_IMAGE, LogoError, reencoded_png

MAX_FILES = 5
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 5 * 1024 * 1024
IMAGE_SIDE = 1600


class AttachmentError(ValueError):
    """A file the portal does not take; the message (translatable) is for the person."""


def clean_name(name, extension):
    """A file name to show and download: the upload's own (Thai kept), without paths or odd characters, with the
    extension of what it now is."""
    stem = re.sub(r"[\x00-\x1f\x7f/\\:*?\"<>|]+", "", (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    stem = stem.rsplit(".", 1)[0].strip(" .")[:80] or "file"
    return f"{stem}.{extension}"


def checked_file(name, data):
    """(filename, content type, bytes) of an uploaded file the portal takes, or raise AttachmentError."""
    if data.startswith(b"%PDF-"):
        if len(data) > MAX_PDF_BYTES:
            raise AttachmentError(_l("A PDF may be at most 5 MB."))
        return clean_name(name, "pdf"), "application/pdf", data
    if len(data) > MAX_IMAGE_BYTES:
        raise AttachmentError(_l("An image may be at most 5 MB."))
    try:
        png = reencoded_png(data, IMAGE_SIDE)
    except LogoError as error:
        raise AttachmentError(_l("Attach PNG, JPEG or WebP images, or PDF files.")
                              if error.args[0] is NOT_AN_IMAGE else error.args[0]) from error
    return clean_name(name, "png"), "image/png", png


def checked_uploads(files):
    """The checked (filename, content type, bytes) of a form's uploads (FileStorage objects; empty ones skipped)."""
    files = [f for f in files or [] if getattr(f, "filename", None)]
    if len(files) > MAX_FILES:
        raise AttachmentError(_l("Attach at most %(count)d files.", count=MAX_FILES))
    checked = []
    for upload in files:
        data = upload.stream.read(max(MAX_IMAGE_BYTES, MAX_PDF_BYTES) + 1)
        checked.append(checked_file(upload.filename, data))
    return checked

"""Organisation logos: checked by their content, re-encoded and resized with Pillow, stored under a new name."""

import io
import os
import secrets
import warnings

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 512
# A logo is shown at 512 px. PNG and WebP decode whole: 2048 x 2048 RGBA is 16 MB, where the 5000 x 5000 PNG of
# 107 KB that the old limit (25 million pixels) let in took 165 MB to decode.
MAX_PIXELS = 2048 * 2048
# JPEG decodes at 1/2, 1/4 or 1/8 of its size (Pillow's draft mode): a 5000 x 5000 photo decodes at 625 x 625.
MAX_JPEG_PIXELS = 25_000_000
NOT_AN_IMAGE = _l("Upload a PNG, JPEG or WebP image.")


class LogoError(ValueError):
    """The upload is not a logo the portal accepts; the message (translatable) is for the user."""


def logo_folder():
    """Where logos are kept: LOGO_FOLDER, by default instance/logos."""
    folder = current_app.config.get("LOGO_FOLDER") or os.path.join(current_app.instance_path, "logos")
    os.makedirs(folder, exist_ok=True)
    return folder


def save_logo(stream):
    """Check an uploaded file, re-encode it as a PNG of at most 512 px a side, and return its new file name."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LogoError(_l("The logo is larger than 2 MB."))
    png = reencoded_png(data, MAX_SIDE)  # nothing of the original file survives
    name = f"{secrets.token_hex(16)}.png"
    with open(os.path.join(logo_folder(), name), "wb") as file:
        file.write(png)
    return name


def reencoded_png(data, max_side):
    """Check image bytes by their content (PNG, JPEG or WebP, not too many pixels) and return them re-encoded as a
    PNG of at most `max_side` pixels a side; raise LogoError (its message for the user) otherwise. Logos and the
    images of share requests go through this one check."""
    image = _open(data, max_side)
    image.thumbnail((max_side, max_side))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _open(data, max_side=MAX_SIDE):
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise LogoError(NOT_AN_IMAGE)
            if probe.width * probe.height > (MAX_JPEG_PIXELS if probe.format == "JPEG" else MAX_PIXELS):
                raise LogoError(_l("The image has too many pixels."))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            if image.format == "JPEG":
                image.draft(None, (max_side, max_side))  # decode no larger than needed
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise LogoError(_l("The image has too many pixels.")) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            if isinstance(error, LogoError):
                raise
            raise LogoError(NOT_AN_IMAGE) from error
    return image


def delete_logo(name):
    """Remove a logo file that is no longer used."""
    if name:
        path = os.path.join(logo_folder(), os.path.basename(name))
        if os.path.exists(path):
            os.remove(path)

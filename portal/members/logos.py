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
MAX_PIXELS = 25_000_000  # a decompression bomb declares far more than any logo needs
MAX_SIDE = 512


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
    image = _open(data)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    name = f"{secrets.token_hex(16)}.png"
    image.save(os.path.join(logo_folder(), name), "PNG", optimize=True)  # nothing of the original file survives
    return name


def _open(data):
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise LogoError(_l("Upload a PNG, JPEG or WebP image."))
            if probe.width * probe.height > MAX_PIXELS:
                raise LogoError(_l("The image has too many pixels."))
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise LogoError(_l("The image has too many pixels.")) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            if isinstance(error, LogoError):
                raise
            raise LogoError(_l("Upload a PNG, JPEG or WebP image.")) from error
    return image


def delete_logo(name):
    """Remove a logo file that is no longer used."""
    if name:
        path = os.path.join(logo_folder(), os.path.basename(name))
        if os.path.exists(path):
            os.remove(path)

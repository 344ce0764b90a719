"""Decode uploaded image bytes in memory: JPEG, PNG or WebP, EXIF orientation applied.

Nothing is written to disk or logged. Oversized uploads and decompression bombs are refused
before any pixel is decoded.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from emotionpix.emotion.errors import ImageTooLarge, InvalidImage, UnsupportedImage

FORMATS = ("JPEG", "PNG", "WEBP")
# Large photos are decoded at a reduced scale (JPEG DCT scaling) down to about this size:
# faces stay far larger than the 64 px the classifier needs, and decoding is 4-16x cheaper.
WORKING_SIZE = (1280, 1280)


def decode_image(data: bytes, max_pixels: int = 40_000_000) -> Image.Image:
    """An RGB image from ``data``. Raises InvalidImage, UnsupportedImage or ImageTooLarge (too
    many pixels)."""
    if not data:
        raise InvalidImage("That file is empty. Choose a JPEG, PNG or WebP photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=None)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(_too_many_pixels(max_pixels)) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise InvalidImage(
            "That file is not an image we can read. Send a JPEG, PNG or WebP photo."
        ) from None
    if image.format not in FORMATS:
        raise UnsupportedImage(
            f"{image.format} images are not supported. Send a JPEG, PNG or WebP photo."
        )
    width, height = image.size
    if width * height > max_pixels or width < 1 or height < 1:
        raise ImageTooLarge(_too_many_pixels(max_pixels))
    try:
        if image.format == "JPEG":
            image.draft(None, WORKING_SIZE)
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InvalidImage("The image is damaged or incomplete. Try another photo.") from None


def _too_many_pixels(max_pixels: int) -> str:
    return f"The image is too large: at most {max_pixels / 1e6:.0f} megapixels, please."

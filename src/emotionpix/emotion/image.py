"""Decode uploaded image bytes in memory: JPEG (and MPO, the multi-picture JPEG many phones
write), PNG or WebP, EXIF orientation applied.

Nothing is written to disk or logged. The decoded memory is bounded, not just the pixel
count: JPEGs are reduced while they are decoded (DCT scaling), and a PNG or WebP, which
cannot be, must fit ``DECODE_BUDGET`` bytes in its own pixel format; every image is reduced
to the working size in that format before it becomes RGB. At most two large decodes run at
once per process, and the memory they took is handed back to the system afterwards.
Whatever a damaged file or its metadata does to a decoder is an ``InvalidImage``, never a
crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import io
import sys
import threading
import warnings

import numpy as np
from PIL import Image

from emotionpix.emotion.errors import ImageTooLarge, InvalidImage, UnsupportedImage

FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
# Images are reduced to about this size before anything else: faces stay far larger than
# the 64 px the classifier needs, and every later step is cheap.
WORKING_SIZE = (1280, 1280)
WORKING_REDUCING_GAP = 2.0  # Pillow's reducing_gap when shrinking to it
# Bytes a PNG or WebP may take decoded, in its own pixel format (1 byte a pixel for grey or
# palette images, 2 for 16-bit grey, 4 for colour: Pillow keeps RGB as RGBX).
DECODE_BUDGET = 64 * 1024 * 1024
LARGE_DECODE = 16 * 1024 * 1024  # decodes above this share _LARGE_DECODES
_LARGE_DECODES = threading.BoundedSemaphore(2)
ORIENTATION = 0x0112
# EXIF orientation -> the transpose that makes the picture upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None


def decode_image(data: bytes, max_pixels: int = 40_000_000) -> Image.Image:
    """An upright RGB image of at most ``WORKING_SIZE`` from ``data``. Raises InvalidImage,
    UnsupportedImage or ImageTooLarge (too many pixels, or too much memory to decode)."""
    if not data:
        raise InvalidImage("That file is empty. Choose a JPEG, PNG or WebP photo.")
    image = _open(data, max_pixels)
    cost = _decoded_bytes(image)
    large = cost > LARGE_DECODE
    if large:
        _LARGE_DECODES.acquire()
    try:
        image.load()
        orientation = _orientation(image)
        reduced = _to_rgb(_reduced(_eight_bit(image)))
        return reduced.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else reduced
    except Exception:  # Pillow's decoders raise a zoo of types on bad files
        raise InvalidImage("The image is damaged or incomplete. Try another photo.") from None
    finally:
        if large:
            _LARGE_DECODES.release()
            _give_back_memory()


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """The image's header read, its format and size checked; no pixel decoded yet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=None)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(_too_many_pixels(max_pixels)) from None
    except Exception:  # UnidentifiedImageError, OSError, struct.error, ...
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
    if image.format in ("JPEG", "MPO"):
        with contextlib.suppress(Exception):
            image.draft(None, WORKING_SIZE)  # the first picture, reduced while decoded
    elif _decoded_bytes(image) > DECODE_BUDGET:
        megapixels = DECODE_BUDGET / _bytes_per_pixel(image.mode) / 1e6
        raise ImageTooLarge(
            f"This {image.format} image is too large to read: at most {megapixels:.0f} "
            "megapixels for this kind of file. A JPEG photo may be bigger."
        )
    return image


def _bytes_per_pixel(mode: str) -> int:
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _decoded_bytes(image: Image.Image) -> int:
    width, height = image.size  # after draft: the reduced size a JPEG will decode to
    return width * height * _bytes_per_pixel(image.mode)


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1-8), or 1 when there is none or the metadata cannot be read:
    malformed EXIF must not cost the user their photo."""
    try:
        value = image.getexif().get(ORIENTATION, 1)
    except Exception:  # struct.error, TypeError, ... from broken metadata
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _eight_bit(image: Image.Image) -> Image.Image:
    """16- and 32-bit grey as 8-bit grey by its top bits (Pillow's own conversion clips
    every value above 255 to white)."""
    if image.mode not in ("I", "F") and not image.mode.startswith("I;16"):
        return image
    values = np.asarray(image)
    if image.mode == "F":
        top = float(values.max()) or 1.0
        grey = np.clip(values / top * 255, 0, 255)
    else:
        grey = np.clip(values, 0, 65535) >> 8
    return Image.fromarray(grey.astype(np.uint8), "L")


def _reduced(image: Image.Image) -> Image.Image:
    """At most ``WORKING_SIZE``, still in the image's own (compact) pixel format."""
    if image.width <= WORKING_SIZE[0] and image.height <= WORKING_SIZE[1]:
        return image
    image.thumbnail(WORKING_SIZE, Image.Resampling.BILINEAR, reducing_gap=WORKING_REDUCING_GAP)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    return image if image.mode == "RGB" else image.convert("RGB")


def _give_back_memory() -> None:
    """Return freed heap memory to the system after a large decode (glibc keeps it
    otherwise, and a few bombs would leave the process large for good)."""
    if _LIBC is not None:
        with contextlib.suppress(AttributeError, OSError):
            _LIBC.malloc_trim(0)


def _too_many_pixels(max_pixels: int) -> str:
    return f"The image is too large: at most {max_pixels / 1e6:.0f} megapixels, please."

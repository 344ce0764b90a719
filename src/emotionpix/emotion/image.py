"""Decode uploaded image bytes in memory: JPEG (and MPO, the multi-picture JPEG many phones
write), PNG or WebP, EXIF orientation applied.

Nothing is written to disk or logged. The memory a decode takes is bounded before a pixel is
decoded, from what the header declares: the decoded pixels in their own format and Pillow's
table of rows, the decoder's own buffers (a PNG's row buffers, libwebp's canvases, the
coefficients of a JPEG that comes in several scans) and the reduction to the working size,
together, must fit ``DECODE_BUDGET``. JPEGs are reduced while they are decoded (DCT scaling);
every image is reduced to the working size in its own format before it becomes RGB. At most
two large decodes run at once per process, and the memory they took is handed back to the
system afterwards. Whatever a damaged file or its metadata does to a decoder is an
``InvalidImage``, never a crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import io
import math
import sys
import threading
import warnings

import numpy as np
from PIL import Image, PngImagePlugin
from PIL.JpegImagePlugin import JpegImageFile

from emotionpix.core.i18n import gettext
from emotionpix.emotion.errors import ImageTooLarge, InvalidImage, UnsupportedImage

FORMATS = ("JPEG", "MPO", "PNG", "WEBP")
# Images are reduced to about this size before anything else: faces stay far larger than
# the 64 px the classifier needs, and every later step is cheap.
WORKING_SIZE = (1280, 1280)
WORKING_REDUCING_GAP = 2.0  # Pillow's reducing_gap when shrinking to it
# Bytes one decode may take at its peak, everything counted (see _peak_bytes).
DECODE_BUDGET = 64 * 1024 * 1024
LARGE_DECODE = 16 * 1024 * 1024  # decodes above this share _LARGE_DECODES
_LARGE_DECODES = threading.BoundedSemaphore(2)
ROW_POINTER = 8  # bytes Pillow keeps per row besides its pixels: a 1 x 40,000,000 PNG's rows
WEBP_CANVAS = 8  # bytes a pixel: libwebp's canvas and its disposed copy (RGBA, both)
WEBP_LOSSLESS = 4  # bytes a pixel a lossless frame's own buffer takes while it loads
JPEG_BLOCK = 128  # bytes of one 8x8 block of coefficients (64 x 16 bits)
DECODER_STATE = 2 * 1024 * 1024  # a decoder's fixed state (tables, contexts), at most
# The text a PNG's chunks may inflate to, in all (Pillow allows 64 MB, which a 60 KB file
# can ask for): more is refused as unreadable. Its ICC profile may take one chunk's worth.
PNG_TEXT = 1024 * 1024
PngImagePlugin.MAX_TEXT_MEMORY = PNG_TEXT
GREY_BAND = 1 << 18  # pixels of 16-bit grey made 8-bit at a time
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
# PNG colour type -> samples a pixel
_PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_LIBC = ctypes.CDLL(ctypes.util.find_library("c")) if sys.platform.startswith("linux") else None


def decode_image(data: bytes, max_pixels: int = 40_000_000) -> Image.Image:
    """An upright RGB image of at most ``WORKING_SIZE`` from ``data``. Raises InvalidImage,
    UnsupportedImage or ImageTooLarge (too many pixels, or too much memory to decode)."""
    if not data:
        raise InvalidImage(gettext("That file is empty. Choose a JPEG, PNG or WebP photo."))
    image, cost = _open(data, max_pixels)
    large = cost > LARGE_DECODE
    if large:
        _LARGE_DECODES.acquire()
    try:
        image.load()
        orientation = _orientation(image)
        reduced = _to_rgb(_reduced(_eight_bit(image)))
        return reduced.transpose(_UPRIGHT[orientation]) if orientation in _UPRIGHT else reduced
    except Exception:  # Pillow's decoders raise a zoo of types on bad files
        raise InvalidImage(
            gettext("The image is damaged or incomplete. Try another photo.")
        ) from None
    finally:
        if large:
            _LARGE_DECODES.release()
            _give_back_memory()


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, int]:
    """The image's header read, its format, size and decoding memory checked (that memory
    returned); no pixel decoded yet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=None)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageTooLarge(_too_many_pixels(max_pixels)) from None
    except Exception:  # UnidentifiedImageError, OSError, struct.error, ...
        raise InvalidImage(
            gettext("That file is not an image we can read. Send a JPEG, PNG or WebP photo.")
        ) from None
    if image.format not in FORMATS:
        raise UnsupportedImage(
            gettext(
                "%(format)s images are not supported. Send a JPEG, PNG or WebP photo.",
                format=image.format,
            )
        )
    width, height = image.size
    if width * height > max_pixels or width < 1 or height < 1:
        raise ImageTooLarge(_too_many_pixels(max_pixels))
    jpeg = image.format in ("JPEG", "MPO")
    if jpeg:
        with contextlib.suppress(Exception):
            # the first picture, reduced while decoded as far as the working size allows
            image.draft(None, _working_fit(width, height))
    cost = _peak_bytes(image, data, width, height)
    if cost > DECODE_BUDGET:
        megapixels = max(1, int(DECODE_BUDGET / cost * width * height / 1e6))
        hint = "" if jpeg else " " + gettext("A JPEG photo may be bigger.")
        raise ImageTooLarge(
            gettext(
                "This %(format)s image is too large to read: at most %(megapixels)s "
                "megapixels for this kind of file.%(hint)s",
                format=image.format,
                megapixels=megapixels,
                hint=hint,
            )
        )
    return image, cost


def _peak_bytes(image: Image.Image, data: bytes, width: int, height: int) -> int:
    """The most memory decoding the image (``width`` x ``height`` as its header declares;
    a JPEG's ``image.size`` is what it will decode to) and reducing it can hold at once: the
    decoder's buffers, kept while the image lives or only while it loads, and the largest of
    the steps: loading, or working on the decoded pixels (``_working_bytes``). An upper
    bound, checked against measured peaks in tests/unit/test_image_budget.py."""
    if image.format == "PNG":  # its text and profile kept; two rows while loading
        kept = PNG_TEXT + PngImagePlugin.MAX_TEXT_CHUNK
        loading = 2 * (_png_row_bytes(data, width) + 1)  # this row and the one before
    elif image.format == "WEBP":
        # libwebp's canvas, its disposed copy and a copy of the file live with the image;
        # the frame's bytes (and a lossless frame's own pixels) only while it loads
        lossless = WEBP_LOSSLESS if b"VP8L" in data else 0
        kept = WEBP_CANVAS * width * height + len(data)
        loading = (4 + lossless) * width * height
    else:
        kept, loading = 0, _jpeg_coefficients(image, data, width, height)
    decoded = _bytes(image.mode, *image.size)
    working = _working_bytes(image.mode, *image.size)
    return DECODER_STATE + kept + max(decoded + loading, working)


def _working_bytes(mode: str, width: int, height: int) -> int:
    """The most ``_eight_bit``, ``_reduced``, ``_to_rgb`` and the final transpose hold at
    once for a decoded image of ``mode`` and this size, the image included. Mirrors Pillow's
    thumbnail: a premultiplied copy for images with alpha, an integer ``reduce`` first when
    the gap allows, then a resample in two passes."""
    held = _bytes(mode, width, height)
    converting = 0
    if mode in ("I", "F") or mode.startswith("I;16"):  # 16-bit grey stays beside its copy
        held += _bytes("L", width, height)
        converting = held + max(GREY_BAND, width) * 16  # a band's arrays
        mode = "L"
    fit = _working_fit(width, height)
    reducing = held
    if fit == (width, height):
        pass
    elif mode in ("1", "P"):  # resized by nearest neighbour: no intermediate image
        reducing += _bytes(mode, *fit)
    else:
        if mode in ("LA", "RGBA"):  # resized premultiplied: a copy, and one back at the end
            reducing += _bytes(mode, width, height) + _bytes(mode, *fit)
        gap = WORKING_REDUCING_GAP
        fx, fy = int(width / fit[0] / gap) or 1, int(height / fit[1] / gap) or 1
        rows = height
        if fx > 1 or fy > 1:  # reduce() first, over a box widened by the filter's support
            rows = -(-height // fy) + 2
            reducing += _bytes(mode, -(-width // fx) + 2, rows)
        reducing += _bytes(mode, fit[0], rows) + _bytes(mode, *fit)  # the two passes
    finishing = held - _bytes(mode, width, height) + 3 * _bytes("RGB", *fit)
    return max(converting, reducing, finishing)


def _working_fit(width: int, height: int) -> tuple[int, int]:
    """The size ``_reduced`` gives an image: within ``WORKING_SIZE``, aspect kept."""
    scale = min(WORKING_SIZE[0] / width, WORKING_SIZE[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _bytes(mode: str, width: int, height: int) -> int:
    """What Pillow allocates for an image: its pixels and a pointer to each row."""
    return width * height * _bytes_per_pixel(mode) + height * ROW_POINTER


def _bytes_per_pixel(mode: str) -> int:
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _png_row_bytes(data: bytes, width: int) -> int:
    """Bytes of one raw row of a PNG, from its IHDR (8 a pixel, the most, if unreadable)."""
    ihdr = data[12:29]
    if len(ihdr) < 17 or ihdr[:4] != b"IHDR":
        return width * 8
    depth, samples = ihdr[12], _PNG_SAMPLES.get(ihdr[13], 4)
    return math.ceil(width * depth * samples / 8)


def _jpeg_coefficients(image: Image.Image, data: bytes, width: int, height: int) -> int:
    """libjpeg keeps every 8x8 block's coefficients of a JPEG that comes in several scans
    (progressive, or components sent one after the other), whatever the DCT scaling; other
    JPEGs are decoded a band of blocks at a time."""
    layers = image.layer if isinstance(image, JpegImageFile) and image.layer else [(0, 1, 1, 0)] * 3
    sampling = [(max(1, h), max(1, v)) for _, h, v, _ in layers]  # per component
    most_h, most_v = max(h for h, _ in sampling), max(v for _, v in sampling)
    mcus_wide, mcus_high = -(-width // (8 * most_h)), -(-height // (8 * most_v))
    blocks_in_a_row = sum(h * v for h, v in sampling) * mcus_wide
    band = blocks_in_a_row * JPEG_BLOCK * 2  # a row of blocks, and the samples made of it
    progressive = image.info.get("progressive") or image.info.get("progression")
    if progressive or _first_scan_components(data) not in (None, len(layers)):
        return band + blocks_in_a_row * mcus_high * JPEG_BLOCK
    return band


def _first_scan_components(data: bytes) -> int | None:
    """How many components the first scan of a JPEG carries (None: no scan found)."""
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
        elif marker == 0xDA:  # start of scan: its length, then the count
            return data[at + 4] if at + 4 < len(data) else None
        else:
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


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
    every value above 255 to white), a band of rows at a time so that no full-size array
    is made beside the two images."""
    if image.mode not in ("I", "F") and not image.mode.startswith("I;16"):
        return image
    top = (float(image.getextrema()[1]) or 1.0) if image.mode == "F" else 0.0  # type: ignore[arg-type]
    grey = Image.new("L", image.size)
    rows = max(1, GREY_BAND // image.width)
    for y in range(0, image.height, rows):
        values = np.asarray(image.crop((0, y, image.width, min(y + rows, image.height))))
        band = np.clip(values / top * 255, 0, 255) if top else np.clip(values, 0, 65535) >> 8
        grey.paste(Image.fromarray(band.astype(np.uint8), "L"), (0, y))
    return grey


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
    return gettext(
        "The image is too large: at most %(megapixels)s megapixels, please.",
        megapixels=f"{max_pixels / 1e6:.0f}",
    )

"""Test images made in memory from scikit-image's public-domain photos (astronaut: NASA;
chelsea the cat and coffee: no faces), and a drawing of Chromium's fake-camera test pattern."""

from __future__ import annotations

import io
from pathlib import Path

import skimage
from PIL import Image, ImageDraw, ImageFont

SKIMAGE_DATA = Path(skimage.__file__).parent / "data"


def photo(name: str) -> Image.Image:
    """An RGB photo from scikit-image's data folder (e.g. "astronaut.png")."""
    with Image.open(SKIMAGE_DATA / name) as image:
        return image.convert("RGB")


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def webcam_frame(name: str = "astronaut.png") -> bytes:
    """A 640x480 JPEG, as a browser would send from the camera (aspect ratio kept: the photo
    is scaled to 480 px high and centred on a grey canvas)."""
    source = photo(name)
    scaled = source.resize((round(source.width * 480 / source.height), 480))
    canvas = Image.new("RGB", (640, 480), (90, 90, 90))
    canvas.paste(scaled, ((640 - scaled.width) // 2, 0))
    return encode(canvas, "JPEG", quality=90)


def fake_camera_pattern(sweep: int, clock: str = "0:00:11:450 229") -> Image.Image:
    """640x480, drawn like Chromium's fake camera when it plays no file: a dark green frame,
    bright corner squares, a running clock and a disc swept out over time (``sweep`` degrees
    of it drawn). BlazeFace scores such frames up to 0.65: no face, but face-like enough."""
    frame = Image.new("RGB", (640, 480), (0, 135, 0))
    draw = ImageDraw.Draw(frame)
    for x, y in [(0, 0), (600, 0), (0, 440), (600, 440)]:
        draw.rectangle([x, y, x + 39, y + 39], fill=(0, 255, 0))
    draw.pieslice([200, 120, 440, 360], start=0, end=sweep, fill=(73, 255, 22))
    draw.text((90, 28), clock, fill=(73, 255, 22), font=ImageFont.load_default(40))
    return frame


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions (a decompression bomb's header) and holds no pixels."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def make_dataset(root: Path) -> None:
    """happy/: two astronaut pictures; sad/: one astronaut headshot and a cat (no face)."""
    astronaut = photo("astronaut.png")
    (root / "happy").mkdir(parents=True)
    (root / "sad").mkdir()
    (root / "notes").mkdir()  # not a label: ignored
    (root / "happy" / "a.jpg").write_bytes(encode(astronaut, "JPEG"))
    (root / "happy" / "b.png").write_bytes(encode(astronaut.resize((400, 400)), "PNG"))
    (root / "sad" / "c.png").write_bytes(encode(astronaut.crop((150, 60, 300, 210)), "PNG"))
    (root / "sad" / "cat.jpg").write_bytes(encode(photo("chelsea.png"), "JPEG"))
    (root / "sad" / "readme.txt").write_text("not an image")


def malformed_exif() -> bytes:
    """EXIF saying "rotate 90° clockwise" (orientation 6) beside a tag whose type is wrong
    (SampleFormat as text): Pillow's own exif_transpose fails on it while rewriting it."""
    import struct

    entries = [(0x0112, 3, 1, struct.pack(">HH", 6, 0)), (0x0153, 2, 4, b"abc\x00")]
    ifd = (
        struct.pack(">H", len(entries))
        + b"".join(
            struct.pack(">HHI", tag, kind, count) + value for tag, kind, count, value in entries
        )
        + struct.pack(">I", 0)
    )
    return b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + ifd


def one_bit_bomb(side: int = 6324) -> bytes:
    """A tiny 1-bit PNG (a few kB) of side² pixels: 40 MP, 120 MB once naively made RGB."""
    return encode(Image.new("1", (side, side), 1), "PNG", optimize=True)


def lfw_face(index: int, side: int = 300) -> Image.Image:
    """A face from scikit-image's LFW subset (25x25 grey crops of Labeled Faces in the Wild),
    upscaled to ``side`` px, RGB. Face 54 reads as neutral (0.81), the astronaut as happy."""
    import numpy as np

    faces = np.load(SKIMAGE_DATA / "lfw_subset.npy")
    grey = Image.fromarray((faces[index] * 255).astype(np.uint8))
    return grey.convert("RGB").resize((side, side), Image.Resampling.BICUBIC)


NEUTRAL_FACE = 54


def neutral_frame() -> Image.Image:
    """640x480: a neutral face on the grey background of ``webcam_frame``."""
    canvas = Image.new("RGB", (640, 480), (90, 90, 90))
    canvas.paste(lfw_face(NEUTRAL_FACE), (170, 90))
    return canvas


def two_faces() -> Image.Image:
    """640x340: the smiling astronaut (left) beside a larger neutral face (right). The
    neutral face is the more prominent; blended by detector score, the room reads happy."""
    canvas = Image.new("RGB", (640, 340), (90, 90, 90))
    canvas.paste(photo("astronaut.png").crop((120, 20, 340, 240)).resize((300, 300)), (10, 20))
    canvas.paste(lfw_face(NEUTRAL_FACE), (330, 20))
    return canvas

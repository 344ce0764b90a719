"""The decode budget holds for whatever a header declares (issue 29, finding 11): bombs of
every format and shape are refused before a pixel is decoded, and what is decoded stays
within ``DECODE_BUDGET``, measured as the growth of a fresh interpreter's peak resident
memory while it decodes."""

import io
import json
import struct
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image, ImageFile

from emotionpix.emotion.errors import ImageTooLarge, InvalidImage
from emotionpix.emotion.image import DECODE_BUDGET, decode_image
from tests.images import one_bit_bomb

SLACK = 6 * 1024 * 1024  # the interpreter's own allocations while it decodes


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, depth: int = 8, colour: int = 0, raw: bytes = bytes(4)) -> bytes:
    """A PNG declaring ``width`` x ``height`` whose pixel data inflates to ``raw`` (a few
    bytes: a bomb's; every row, filter bytes included, for a real picture)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def text_bomb(megabytes: int) -> bytes:
    """A 64 x 64 PNG of a few dozen KB whose text chunks inflate to ``megabytes`` MB."""
    texts = b"".join(
        _chunk(b"zTXt", b"note%d\x00\x00" % i + zlib.compress(b"a" * 1_000_000))
        for i in range(megabytes)
    )
    image = png(64, 64, raw=(b"\x00" + bytes(64)) * 64)
    return image[:33] + texts + image[33:]  # after the IHDR


def blank_png(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    """A real, black PNG of that size (rows of zeros compress to almost nothing)."""
    samples = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    row = bytes(1 + -(-width * depth * samples // 8))
    return png(width, height, depth, colour, row * height)


def encoded(size: tuple[int, int], fmt: str, mode: str = "RGB", **params: object) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (90, 90, 90)).save(buffer, fmt, **params)
    return buffer.getvalue()


def jpeg_bomb(
    width: int, height: int, *, progressive: bool = False, scans: int = 3, mpo: bool = False
) -> bytes:
    """A 16x16 JPEG (or a phone's two-picture MPO) whose first frame header declares
    ``width`` x ``height``; a baseline one's first scan carries only ``scans`` of its three
    components (sent one after the other, libjpeg keeps the whole image's coefficients, as
    for a progressive one)."""
    if mpo:
        second = Image.new("RGB", (16, 16))
        data = bytearray(encoded((16, 16), "MPO", save_all=True, append_images=[second]))
    else:
        data = bytearray(encoded((16, 16), "JPEG", progressive=progressive))
    at = 2
    while True:
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC2):
            struct.pack_into(">HH", data, at + 5, height, width)
        if marker == 0xDA:
            components = data[at + 5 : at + 5 + 2 * scans]
            scan = struct.pack(">BBHB", 0xFF, 0xDA, 6 + 2 * scans, scans) + components
            return bytes(data[:at] + scan + b"\x00\x3f\x00" + data[at + 2 + length :])
        at += 2 + length


def webp_canvas_bomb(width: int, height: int) -> bytes:
    """About 100 bytes: one 16x16 frame of an animation on a ``width`` x ``height`` canvas."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) % 2)

    def u24(n: int) -> bytes:
        return struct.pack("<I", n)[:3]

    frame = encoded((16, 16), "WEBP")[12:]  # its VP8 chunk
    body = (
        b"WEBP"
        + chunk(b"VP8X", b"\x02\x00\x00\x00" + u24(width - 1) + u24(height - 1))
        + chunk(b"ANIM", bytes(6))
        + chunk(b"ANMF", u24(0) + u24(0) + u24(15) + u24(15) + u24(100) + b"\x00" + frame)
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


BOMBS = {
    "the probe's 69-byte grey PNG, 1 x 40,000,000": lambda: png(1, 40_000_000),
    "a 69-byte RGB PNG, 1 x 40,000,000": lambda: png(1, 40_000_000, colour=2),
    "a 1-bit PNG, 1 x 40,000,000": lambda: png(1, 40_000_000, depth=1),
    "a grey PNG, 40,000,000 x 1": lambda: png(40_000_000, 1),
    "an RGB PNG, 40,000,000 x 1": lambda: png(40_000_000, 1, colour=2),
    "a 16-bit grey PNG, 6,000 x 6,000": lambda: png(6000, 6000, depth=16),
    "an RGBA PNG, 3,000 x 3,000": lambda: png(3000, 3000, colour=6),
    "a progressive JPEG, 7,745 x 5,164": lambda: jpeg_bomb(7745, 5164, progressive=True),
    "a progressive JPEG, 65,500 x 610": lambda: jpeg_bomb(65500, 610, progressive=True),
    "a JPEG scanned a component at a time, 7,745 x 5,164": lambda: jpeg_bomb(7745, 5164, scans=1),
    "an MPO scanned so, 7,745 x 5,164": lambda: jpeg_bomb(7745, 5164, scans=1, mpo=True),
    "a 100-byte WebP on a 4,000 x 4,000 canvas": lambda: webp_canvas_bomb(4000, 4000),
    "a 100-byte WebP on a 16,383 x 1,000 canvas": lambda: webp_canvas_bomb(16383, 1000),
}

# Metadata that would inflate past the budget: refused as unreadable, before any pixel.
UNREADABLE = {"a 60 KB PNG of 60 MB of text": lambda: text_bomb(60)}

# The largest of each kind the budget lets through (just under it), and extreme shapes.
DECODED = {
    "a 1-bit PNG, 6,324 x 6,324 (40 MP)": one_bit_bomb,
    "a 1-bit PNG, 40,000,000 x 1": lambda: blank_png(40_000_000, 1, depth=1, colour=0),
    "a grey PNG, 63 x 632,434": lambda: blank_png(63, 632_434, colour=0),
    "a colour PNG, 3,150 x 3,150": lambda: blank_png(3150, 3150),
    "an RGBA PNG, 2,150 x 2,150": lambda: blank_png(2150, 2150, colour=6),
    "a 16-bit grey PNG, 4,250 x 4,250": lambda: blank_png(4250, 4250, depth=16, colour=0),
    "a JPEG, 7,745 x 5,164": lambda: encoded((7745, 5164), "JPEG"),
    "a JPEG, 65,500 x 610": lambda: encoded((65500, 610), "JPEG"),
    "a progressive JPEG, 5,400 x 3,600": lambda: encoded((5400, 3600), "JPEG", progressive=True),
    "a WebP, 1,950 x 1,950": lambda: encoded((1950, 1950), "WEBP"),
    "a WebP, 16,383 x 240": lambda: encoded((16383, 240), "WEBP"),
}

# Decodes one file in a fresh interpreter: how far its peak resident memory grew, in bytes.
# Linux's VmHWM is this program's own peak; getrusage's ru_maxrss would start from the
# parent's size at fork, hiding whatever stays below it.
MEASURE = """
import json, resource, sys, time
import numpy, PIL.Image, PIL.JpegImagePlugin, PIL.MpoImagePlugin, PIL.PngImagePlugin
import PIL.WebPImagePlugin
from emotionpix.emotion.image import decode_image

def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) * 1024 for l in status if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        unit = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit

data = open(sys.argv[1], "rb").read()
before = peak()
start = time.perf_counter()
try:
    outcome = "decoded %dx%d" % decode_image(data).size
except Exception as exc:
    outcome = type(exc).__name__
seconds = time.perf_counter() - start
print(json.dumps({"outcome": outcome, "grew": peak() - before, "seconds": seconds}))
"""


def measured(files: dict[str, bytes], tmp_path) -> dict[str, dict]:
    def one(item: tuple[int, str]) -> dict:
        index, name = item
        path = tmp_path / f"{index}.img"
        path.write_bytes(files[name])
        run = subprocess.run(
            [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(files, pool.map(one, enumerate(files)), strict=True))


def test_the_probes_png_is_69_bytes():
    assert len(png(1, 40_000_000)) == 69


@pytest.fixture
def pixels_decoded(monkeypatch) -> list[str]:
    """The images whose pixels get decoded (Pillow's ``ImageFile.load``), by format: the
    refusals below must come before any (how fast they are is benchmarks/' business)."""
    decoded: list[str] = []
    load = ImageFile.ImageFile.load

    def spied(self):
        decoded.append(self.format)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spied)
    return decoded


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_refused_before_decoding(name, pixels_decoded):
    data = BOMBS[name]()
    with pytest.raises(ImageTooLarge, match="too large to read"):
        decode_image(data)
    assert pixels_decoded == []


def test_a_png_inflating_its_text_is_refused(pixels_decoded):
    with pytest.raises(InvalidImage):
        decode_image(text_bomb(60))
    assert pixels_decoded == []  # refused while its header was read
    assert decode_image(text_bomb(1)).size == (64, 64)  # a megabyte of text is fine
    assert set(pixels_decoded) == {"PNG"}


def test_the_probes_png_uploaded_is_a_413_before_decoding(client, pixels_decoded):
    response = client.post("/api/emotion", data=png(1, 40_000_000), content_type="image/png")
    assert pixels_decoded == []
    assert response.status_code == 413
    assert response.get_json()["error"] == "image_too_large"


@pytest.mark.slow
def test_no_image_takes_more_memory_than_the_budget(tmp_path):
    files = {name: make() for name, make in {**BOMBS, **UNREADABLE, **DECODED}.items()}
    results = measured(files, tmp_path)
    over = {n: r["grew"] / 2**20 for n, r in results.items() if r["grew"] > DECODE_BUDGET + SLACK}
    assert not over, f"peak memory grew by more than the budget (MB): {over}"
    for name in BOMBS:
        assert results[name]["outcome"] == "ImageTooLarge", (name, results[name])
    for name in UNREADABLE:
        assert results[name]["outcome"] == "InvalidImage", (name, results[name])
    for name in DECODED:  # the budget is kept by measuring, not by refusing everything
        assert results[name]["outcome"].startswith("decoded"), (name, results[name])

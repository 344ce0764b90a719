#!/usr/bin/env python3
"""Write a corpus of hostile uploads for ``POST /api/emotion`` into a folder.

    python scripts/make_hostile_corpus.py OUT_DIR [--count 300] [--seed 1]

Everything is generated (nothing is committed): scikit-image's public-domain photos in every
accepted format and several odd ones, with valid and malformed EXIF (every orientation, tags
of the wrong type), multi-picture JPEGs, 16-bit and 1-bit images, decompression bombs (tiny
files of 40+ megapixels, headers claiming more), truncated and empty files, files that are
not images, and random byte mutations of all of them. File names say what each one is; the
extension is what a browser would claim (``.jpg``, ``.png``, ``.webp``, ``.bin``).
"""

from __future__ import annotations

import argparse
import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import skimage
from PIL import Image

DATA = Path(skimage.__file__).parent / "data"


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif(orientation: int, broken: bool) -> bytes:
    """Raw EXIF with an orientation, and with ``broken`` a tag whose type is wrong."""
    entries = [(0x0112, 3, 1, struct.pack(">HH", orientation, 0))]
    if broken:
        entries.append((0x0153, 2, 4, b"abc\x00"))
    ifd = struct.pack(">H", len(entries))
    ifd += b"".join(struct.pack(">HHI", t, k, c) + v for t, k, c, v in entries)
    return b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08" + ifd + struct.pack(">I", 0)


def png_header(width: int, height: int, depth: int = 8, colour: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def seeds() -> Iterator[tuple[str, bytes]]:
    """Well-formed and deliberately broken files (before mutation)."""
    face = Image.open(DATA / "astronaut.png").convert("RGB").resize((256, 256))
    cat = Image.open(DATA / "chelsea.png").convert("RGB").resize((200, 150))
    for fmt, ext in (("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")):
        yield f"face.{ext}", encode(face, fmt)
        yield f"cat.{ext}", encode(cat, fmt)
        for orientation in range(0, 10):
            yield (
                f"face-orientation{orientation}.{ext}",
                encode(face, fmt, exif=exif(orientation, False)),
            )
            yield (
                f"face-broken-exif{orientation}.{ext}",
                encode(face, fmt, exif=exif(orientation, True)),
            )
    yield "face-mpo.jpg", encode(face, "MPO", save_all=True, append_images=[cat])
    grey = np.asarray(face.convert("L"), dtype=np.uint16)
    yield "face-16bit.png", encode(Image.fromarray(grey * 257), "PNG")
    yield "face-1bit.png", encode(face.convert("1"), "PNG")
    yield "face-palette.png", encode(face.convert("P"), "PNG")
    yield "face-rgba.png", encode(face.convert("RGBA"), "PNG")
    yield "face-cmyk.jpg", encode(face.convert("CMYK"), "JPEG")
    yield "face-progressive.jpg", encode(face, "JPEG", progressive=True)
    yield "bomb-1bit-6324.png", encode(Image.new("1", (6324, 6324), 1), "PNG", optimize=True)
    yield "bomb-grey-6300.png", encode(Image.new("L", (6300, 6300), 200), "PNG", optimize=True)
    yield "bomb-rgb-4200.png", encode(Image.new("RGB", (4200, 4200), (9, 9, 9)), "PNG")
    yield "bomb-header-30000.png", png_header(30_000, 30_000)
    yield "bomb-header-16bit.png", png_header(20_000, 20_000, depth=16, colour=0)
    yield "zero-size.png", png_header(0, 10)
    yield "gif.png", encode(face, "GIF")
    yield "bmp.jpg", encode(face, "BMP")
    yield "tiff.webp", encode(face, "TIFF")
    yield "pdf.bin", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    yield "text.jpg", b"hello, this is not a photo\n"
    yield "empty.jpg", b""
    yield "jpeg-magic-only.jpg", b"\xff\xd8\xff" + b"\x00" * 64
    full = encode(face, "JPEG")
    for share in (0.1, 0.5, 0.9):
        yield f"truncated-{share}.jpg", full[: int(len(full) * share)]


def mutations(name: str, data: bytes, rng: np.random.Generator) -> Iterator[tuple[str, bytes]]:
    """Random byte flips, insertions and cuts, the way a flaky network or a fuzzer damages a
    file."""
    if not data:
        return
    for i in range(3):
        damaged = bytearray(data)
        for position in rng.integers(0, len(damaged), rng.integers(1, 8)):
            damaged[position] = int(rng.integers(0, 256))
        if i == 2 and len(damaged) > 100:
            cut = int(rng.integers(50, len(damaged)))
            damaged = (
                damaged[:cut] + bytes(rng.integers(0, 256, 32, dtype=np.uint8)) + damaged[cut:]
            )
        stem, ext = name.rsplit(".", 1)
        yield f"{stem}-mutated{i}.{ext}", bytes(damaged)


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    rng = np.random.default_rng(seed)
    files = list(seeds())
    damaged = [
        m for name, data in files if not name.startswith("bomb") for m in mutations(name, data, rng)
    ]
    rng.shuffle(damaged)  # type: ignore[arg-type]
    return (files + damaged)[: max(count, len(files))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=300, help="files (at least every seed)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    written = corpus(args.count, args.seed)
    for index, (name, data) in enumerate(written):
        (args.out / f"{index:04d}-{name}").write_bytes(data)
    print(f"wrote {len(written)} files to {args.out}")


if __name__ == "__main__":
    main()

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


# Drawn faces (the drawn-face gate, emotion/drawn.py): made here, from code or from the photos.

EMOJI_FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")  # fonts-noto-color-emoji
DRAWN_DIR = Path(__file__).parent / "fixtures" / "drawn"  # a few rendered emoji, committed


def drawn_smiley(seed: int, size: int = 480) -> Image.Image:
    """A smiley or cartoon face drawn with Pillow: a round or oval head in a flat colour (yellow,
    a skin tone or any), dot, oval or arc eyes, a mouth, sometimes brows, nose, hair and an
    outline, on a flat, paper or two-tone background; drawn at twice the size and halved (the
    edges antialiased, as a drawing program does)."""
    import random

    rng = random.Random(seed)
    big = size * 2

    def colour() -> tuple[int, int, int]:
        return (rng.randrange(256), rng.randrange(256), rng.randrange(256))

    skins = [
        (255, 204, 77),
        (255, 221, 0),
        (250, 200, 160),
        (224, 172, 105),
        (141, 85, 36),
        (255, 224, 189),
        (198, 134, 66),
        (120, 200, 120),
        (160, 180, 255),
    ]
    background = rng.choice([(255, 255, 255), (245, 240, 225), colour(), colour()])
    picture = Image.new("RGB", (big, big), background)
    draw = ImageDraw.Draw(picture)
    if rng.random() < 0.3:
        draw.rectangle([0, big // 2, big, big], fill=colour())
    head = rng.choice(skins) if rng.random() < 0.7 else colour()
    ink = (0, 0, 0) if rng.random() < 0.7 else colour()
    side = big * rng.uniform(0.45, 0.9)
    aspect = rng.uniform(0.8, 1.15)
    cx, cy = big / 2 + rng.uniform(-0.1, 0.1) * big, big / 2 + rng.uniform(-0.1, 0.1) * big
    w, h = side, side * aspect
    outline = rng.choice([None, ink])
    width = max(2, int(side * rng.uniform(0.01, 0.04)))
    if rng.random() < 0.35:  # hair: a cap of another colour behind the top of the head
        draw.ellipse([cx - w / 1.9, cy - h / 1.8, cx + w / 1.9, cy + h / 6], fill=colour())
    draw.ellipse(
        [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], fill=head, outline=outline, width=width
    )
    eye_y, eye_dx = cy - h * rng.uniform(0.08, 0.2), w * rng.uniform(0.15, 0.25)
    eye_r = side * rng.uniform(0.03, 0.09)
    style = rng.choice(["dot", "oval", "arc", "white"])
    for ex in (cx - eye_dx, cx + eye_dx):
        if style == "dot":
            draw.ellipse([ex - eye_r, eye_y - eye_r, ex + eye_r, eye_y + eye_r], fill=ink)
        elif style == "oval":
            draw.ellipse(
                [ex - eye_r * 0.7, eye_y - eye_r * 1.4, ex + eye_r * 0.7, eye_y + eye_r * 1.4],
                fill=ink,
            )
        elif style == "arc":
            draw.arc(
                [ex - eye_r * 1.5, eye_y - eye_r, ex + eye_r * 1.5, eye_y + eye_r],
                180,
                360,
                fill=ink,
                width=width,
            )
        else:
            draw.ellipse(
                [ex - eye_r * 1.5, eye_y - eye_r * 1.5, ex + eye_r * 1.5, eye_y + eye_r * 1.5],
                fill=(255, 255, 255),
                outline=ink,
                width=width,
            )
            draw.ellipse(
                [ex - eye_r * 0.6, eye_y - eye_r * 0.6, ex + eye_r * 0.6, eye_y + eye_r * 0.6],
                fill=ink,
            )
        if rng.random() < 0.4:  # a brow
            draw.line(
                [
                    ex - eye_r * 2,
                    eye_y - eye_r * 2.5,
                    ex + eye_r * 2,
                    eye_y - eye_r * rng.uniform(2, 3.2),
                ],
                fill=ink,
                width=width,
            )
    if rng.random() < 0.4:  # a nose
        draw.line(
            [cx, cy - h * 0.02, cx - w * 0.03, cy + h * 0.1, cx + w * 0.02, cy + h * 0.1],
            fill=ink,
            width=width,
        )
    mouth_y, mouth_w = cy + h * rng.uniform(0.15, 0.3), w * rng.uniform(0.2, 0.5)
    box = [cx - mouth_w / 2, mouth_y - h * 0.12, cx + mouth_w / 2, mouth_y + h * 0.12]
    kind = rng.choice(["smile", "frown", "open", "line"])
    if kind == "smile":
        draw.arc(box, 20, 160, fill=ink, width=width * 2)
    elif kind == "frown":
        draw.arc(
            [box[0], box[1] + h * 0.1, box[2], box[3] + h * 0.1],
            200,
            340,
            fill=ink,
            width=width * 2,
        )
    elif kind == "open":
        draw.chord(box, 0, 180, fill=rng.choice([ink, (120, 20, 30)]))
    else:
        draw.line([box[0], mouth_y, box[2], mouth_y], fill=ink, width=width * 2)
    return picture.resize((size, size), Image.Resampling.LANCZOS)


def emoji(
    char: str,
    side: int = 320,
    background: tuple[int, int, int] = (255, 255, 255),
    font: Path = EMOJI_FONT,
) -> Image.Image:
    """One emoji from the Noto Color Emoji font (a 136 px bitmap), scaled to ``side`` and centred
    on a square canvas 1.5 times as large."""
    glyph_font = ImageFont.truetype(str(font), 109)
    glyph = Image.new("RGBA", (136, 128), (0, 0, 0, 0))
    ImageDraw.Draw(glyph).text((0, 0), char, font=glyph_font, embedded_color=True)
    glyph = glyph.crop(glyph.getbbox() or (0, 0, 136, 128)).resize((side, side), Image.LANCZOS)
    canvas = Image.new("RGB", (side * 3 // 2, side * 3 // 2), background)
    canvas.paste(glyph, (side // 4, side // 4), glyph)
    return canvas


def cartoon(picture: Image.Image, levels: int = 5, edges: bool = True) -> Image.Image:
    """A cartoon filter: smoothed (median), posterised to ``levels`` tones per channel, with
    dark outlines where the smoothed picture has strong edges."""
    from PIL import ImageFilter

    smooth = picture.filter(ImageFilter.MedianFilter(7)).filter(ImageFilter.MedianFilter(5))
    step = 256 // levels
    flat = smooth.point(lambda v: min(255, (v // step) * step + step // 2))
    if not edges:
        return flat
    outline = (
        smooth.convert("L").filter(ImageFilter.FIND_EDGES).point(lambda v: 255 if v > 24 else 0)
    )
    return Image.composite(Image.new("RGB", picture.size, (20, 20, 20)), flat, outline)


def line_drawing(picture: Image.Image, threshold: int = 20) -> Image.Image:
    """A line drawing: dark lines where the (smoothed) picture has edges, on white paper."""
    from PIL import ImageFilter

    smooth = picture.convert("L").filter(ImageFilter.GaussianBlur(2))
    edges = smooth.filter(ImageFilter.FIND_EDGES)
    return edges.point(lambda v: 0 if v > threshold else 255).convert("RGB")

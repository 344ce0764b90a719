import pytest
from PIL import Image

from emotionpix.emotion.errors import ImageTooLarge, InvalidImage, UnsupportedImage
from emotionpix.emotion.image import decode_image
from tests.images import encode, photo, png_header_only


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_supported_formats_decode_to_rgb(fmt):
    image = decode_image(encode(photo("astronaut.png"), fmt))
    assert (image.mode, image.size) == ("RGB", (512, 512))


@pytest.mark.parametrize("mode", ["L", "RGBA", "P", "CMYK"])
def test_other_colour_modes_become_rgb(mode):
    source = photo("astronaut.png").convert(mode)
    fmt = "JPEG" if mode in {"L", "CMYK"} else "PNG"
    assert decode_image(encode(source, fmt)).mode == "RGB"


def test_exif_orientation_is_applied():
    source = photo("astronaut.png").resize((400, 300))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    decoded = decode_image(encode(source, "JPEG", exif=exif))
    assert decoded.size == (300, 400)


def test_large_jpegs_are_decoded_at_a_reduced_scale():
    big = photo("astronaut.png").resize((4096, 3072))
    decoded = decode_image(encode(big, "JPEG"))
    assert decoded.size == (2048, 1536)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff" + b"\0" * 50])
def test_garbage_is_invalid_image(data):
    with pytest.raises(InvalidImage) as info:
        decode_image(data)
    assert info.value.code == "invalid_image"


def test_truncated_image_is_invalid():
    data = encode(photo("astronaut.png"), "JPEG")
    with pytest.raises(InvalidImage) as info:
        decode_image(data[: len(data) // 2])
    assert info.value.code == "invalid_image"


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_types_are_unsupported(fmt):
    with pytest.raises(UnsupportedImage) as info:
        decode_image(encode(photo("astronaut.png").convert("RGB"), fmt))
    assert info.value.code == "unsupported_image"


def test_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(ImageTooLarge) as info:
        decode_image(encode(photo("astronaut.png"), "PNG"), max_pixels=100_000)
    assert info.value.code == "image_too_large"


@pytest.mark.parametrize(("width", "height"), [(30_000, 30_000), (10_000, 9_000)])
def test_decompression_bombs_are_refused(width, height):
    with pytest.raises(ImageTooLarge):
        decode_image(png_header_only(width, height))

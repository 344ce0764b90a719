import numpy as np
import pytest
from PIL import Image

from emotionpix.emotion.engine import ASK_MARGIN, EmotionEngine, FaceEmotion
from emotionpix.emotion.errors import NoFace
from emotionpix.emotion.framing import face_crop, square_crop_box
from tests.images import encode, photo, webcam_frame

EMOTIONS = {"angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"}


@pytest.fixture(scope="module")
def engine():
    return EmotionEngine("fer-mini-xception")


def test_smiling_astronaut_is_happy(engine):
    analysis = engine.analyse(webcam_frame())
    assert analysis.model == "fer-mini-xception"
    assert analysis.image_size == (640, 480)
    (face,) = analysis.faces
    assert set(face.emotions) == EMOTIONS
    assert sum(face.emotions.values()) == pytest.approx(1.0, abs=1e-4)
    assert face.emotion == "happy"
    assert face.confidence > 0.9
    assert set(analysis.timings_ms) == {"decode", "detect", "classify", "total"}


def test_every_face_is_returned_and_the_biggest_is_primary(engine):
    headshot = photo("astronaut.png").crop((130, 20, 350, 240))
    canvas = Image.new("RGB", (800, 400), (100, 100, 100))
    canvas.paste(headshot.resize((300, 300)), (20, 100))
    canvas.paste(headshot.resize((380, 380)), (400, 10))
    analysis = engine.analyse(encode(canvas, "PNG"))
    assert len(analysis.faces) == 2
    big, small = analysis.faces
    assert big.box[2] > small.box[2]
    assert big.box[0] > 400 > small.box[0]
    assert big.emotion == small.emotion == "happy"


@pytest.mark.parametrize("name", ["chelsea.png", "coffee.png"])
def test_no_face_is_an_error_not_neutral(engine, name):
    with pytest.raises(NoFace) as info:
        engine.analyse(encode(photo(name), "PNG"))
    assert info.value.code == "no_face"
    assert "light" in info.value.message


def test_square_crop_box_widens_the_longer_side():
    assert square_crop_box((100, 100, 50, 100), margin=0.0) == (75, 100, 175, 200)
    assert square_crop_box((100, 100, 100, 100), margin=0.1) == (90, 90, 210, 210)


def test_crop_outside_the_image_is_filled_with_mean_grey():
    grey = Image.new("L", (100, 100), 200)
    crop = face_crop(grey, (-50, -50, 50, 50), 64)
    assert crop.shape == (64, 64)
    assert np.all(crop == 200)
    assert np.all(face_crop(grey, (500, 500, 600, 600), 64) == 128)


def test_a_colour_crop_is_the_grey_crop_of_the_grey_image():
    rgb = Image.fromarray(np.random.default_rng(0).integers(0, 256, (80, 120, 3), dtype=np.uint8))
    for box in [(10, 5, 60, 55), (-20, -10, 40, 50), (90, 40, 150, 100)]:
        assert np.array_equal(face_crop(rgb, box, 48), face_crop(rgb.convert("L"), box, 48))


@pytest.mark.parametrize(
    ("happy", "neutral", "close"),
    [(0.5, 0.4, True), (0.45, 0.45, True), (0.6, 0.6 - ASK_MARGIN - 0.01, False)],
)
def test_close_top_two_emotions_are_a_close_call(happy, neutral, close):
    rest = (1 - happy - neutral) / 5
    emotions = dict.fromkeys(["angry", "disgust", "fear", "sad", "surprise"], rest)
    face = FaceEmotion((0, 0, 10, 10), 0.9, {**emotions, "happy": happy, "neutral": neutral})
    assert face.close_call is close
    assert {face.emotion, face.runner_up} == {"happy", "neutral"}
    assert face.to_dict()["close_call"] is close

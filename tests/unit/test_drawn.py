"""The drawn-face gate (emotion/drawn.py): emoji, smileys, cartoons and line drawings that
BlazeFace finds with an upright layout are not faces; photographed faces still are."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from emotionpix.emotion.detector import FaceDetector
from emotionpix.emotion.drawn import FEATURES, features, load_gate, patch_box
from emotionpix.emotion.engine import EmotionEngine
from emotionpix.emotion.errors import NoFace
from emotionpix.emotion.registry import DEFAULT_MODEL
from tests.images import DRAWN_DIR, cartoon, drawn_smiley, encode, line_drawing, photo, webcam_frame


@pytest.fixture(scope="module")
def detectors() -> tuple[FaceDetector, FaceDetector]:
    """With the gate (as the app runs) and without it (as before)."""
    return FaceDetector(), FaceDetector(drawn_gate=None)


def drawn_pictures() -> dict[str, Image.Image]:
    pictures = {}
    for path in sorted(DRAWN_DIR.glob("*.png")):
        with Image.open(path) as picture:
            pictures[path.stem] = picture.convert("RGB")
    # Seeds the gate was not fitted on (scripts/fit_drawn_gate.py fits on 0-799).
    for seed in (30_002, 30_003, 30_004, 30_010):
        pictures[f"smiley {seed}"] = drawn_smiley(seed)
    pictures["posterised astronaut"] = cartoon(photo("astronaut.png"), 2, edges=False)
    return pictures


def real_pictures() -> dict[str, Image.Image]:
    astronaut = photo("astronaut.png")
    return {
        "astronaut": astronaut,
        "cameraman": photo("camera.png"),
        "headshot": astronaut.crop((150, 60, 300, 210)),
        "dim": astronaut.point(lambda v: v // 3),
        "webcam frame (JPEG)": Image.open(__import__("io").BytesIO(webcam_frame())).convert("RGB"),
        "blurred": astronaut.resize((128, 128)).resize((512, 512)),
    }


@pytest.mark.parametrize("name", list(drawn_pictures()))
def test_drawn_faces_are_found_without_the_gate_and_dropped_with_it(detectors, name):
    gated, ungated = detectors
    picture = drawn_pictures()[name]
    assert ungated.detect(picture), "the detector alone takes it for a face (else no test)"
    assert gated.detect(picture) == []


@pytest.mark.parametrize("name", list(real_pictures()))
def test_photographed_faces_still_count(detectors, name):
    gated, ungated = detectors
    picture = real_pictures()[name]
    assert ungated.detect(picture)
    assert gated.detect(picture) == ungated.detect(picture)


def test_a_drawn_face_gets_no_face_from_the_engine(detectors):
    engine = EmotionEngine(DEFAULT_MODEL, detector=detectors[0])
    with pytest.raises(NoFace):
        engine.analyse(encode(drawn_pictures()["emoji_grinning"], "PNG"))
    assert engine.analyse(webcam_frame()).faces


def test_a_person_holding_a_smiley_is_still_read(detectors):
    # The gate judges each detection: the drawn one goes, the photographed one stays (here
    # the short-range model finds only the smiley; once it is dropped, the full-range model
    # gets its turn and finds the person).
    canvas = Image.new("RGB", (1100, 560), (120, 120, 120))
    canvas.paste(photo("astronaut.png"), (0, 24))
    canvas.paste(drawn_smiley(30_002, 400), (620, 80))
    gated, ungated = detectors
    assert [face.box[0] > 600 for face in ungated.detect(canvas)] == [True]
    [face] = gated.detect(canvas)
    assert face.box[0] < 512


def test_the_statistics_of_flat_paint_and_of_a_photo():
    flat = features(np.full((32, 32, 3), (255, 204, 77), dtype=np.uint8))
    named = dict(zip(FEATURES, flat, strict=True))
    assert named["flat"] == 1.0
    assert named["levels"] == 0.0
    assert named["texture"] == 0.0
    assert named["odd_colour"] == 1.0  # smiley yellow is no skin tone
    photo_patch = np.asarray(photo("astronaut.png").crop((170, 80, 290, 200)).resize((32, 32)))
    real = dict(zip(FEATURES, features(photo_patch), strict=True))
    assert real["flat"] < 0.1
    assert real["levels"] > 3
    assert real["texture"] > 3
    assert real["odd_colour"] < 0.2  # skin


def test_line_drawings_have_ink_on_paper():
    drawing = np.asarray(line_drawing(photo("astronaut.png"), 8).resize((32, 32)))
    named = dict(zip(FEATURES, features(drawing), strict=True))
    assert named["extremes"] > 0.5


def test_the_patch_box_stays_inside_the_image():
    assert patch_box((-5.2, -1.0, 30.0, 20.0), (100, 80)) == (0, 0, 25, 19)
    assert patch_box((99.7, 79.6, 10.0, 10.0), (100, 80)) == (99, 79, 100, 80)


def test_the_gate_file_is_a_logistic_model_over_the_named_features():
    gate = load_gate()
    assert len(gate.weights) == len(gate.mean) == len(gate.scale) == len(FEATURES)
    assert 0.5 <= gate.threshold < 1
    assert all(scale > 0 for scale in gate.scale)

"""Face alignment (emotion/framing.py): a turned face comes out level and framed like a FER2013
crop, the transform maps the crop back onto the face's keypoints in the original frame, and a
face without usable keypoints keeps the box framing."""

import math

import numpy as np
import pytest
from PIL import Image

from emotionpix.emotion.classifier import ExpressionClassifier
from emotionpix.emotion.detector import Detection, FaceDetector
from emotionpix.emotion.framing import (
    TEMPLATE,
    aligned_crop,
    bilinear,
    can_align,
    covering_box,
    crop_transform,
    face_crop,
    similarity,
    square_crop_box,
)
from emotionpix.emotion.registry import DEFAULT_MODEL, get_model
from tests.images import photo

GREY = (90, 90, 90)


@pytest.fixture(scope="module")
def detector() -> FaceDetector:
    return FaceDetector()


def eye_angle(face: Detection) -> float:
    """The turn of the line from the person's right eye to their left eye, in degrees
    (positive: the left eye lower in the picture)."""
    (rx, ry), (lx, ly) = face.keypoints[:2]
    return math.degrees(math.atan2(ly - ry, lx - rx))


def turned(angle: float) -> Image.Image:
    """The astronaut turned ``angle`` degrees counter-clockwise about the photo's centre."""
    return photo("astronaut.png").rotate(angle, Image.Resampling.BICUBIC, fillcolor=GREY)


def test_similarity_recovers_a_known_transform_exactly():
    a, b, tx, ty = 1.7 * math.cos(0.3), 1.7 * math.sin(0.3), 12.5, -4.0
    source = [(10.0, 20.0), (30.0, 21.0), (20.0, 32.0), (20.5, 40.0)]
    target = [(a * x - b * y + tx, b * x + a * y + ty) for x, y in source]
    assert similarity(source, target) == pytest.approx((a, b, tx, ty), abs=1e-9)


def test_similarity_fits_noisy_points_by_least_squares():
    source = [(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0)]
    target = [(0.0, 0.0), (2.0, 0.1), (0.0, 2.0), (2.0, 1.9)]  # the right side 0.2 shorter
    fit = similarity(source, target)
    # By hand: sum(u . v) / sum(|u|^2) = 3.9 / 2 about the means (0.5, 0.5) -> (1, 1); the
    # two offsets turn opposite ways and cancel.
    assert fit == pytest.approx((1.95, 0.0, 0.025, 0.025), abs=1e-12)

    def residual(a: float, b: float, tx: float, ty: float) -> float:
        return sum(
            math.dist((a * x - b * y + tx, b * x + a * y + ty), q) ** 2
            for (x, y), q in zip(source, target, strict=True)
        )

    best = residual(*fit)
    for i in range(4):
        for step in (-0.01, 0.01):
            nudged = [f + (step if k == i else 0) for k, f in enumerate(fit)]
            assert residual(*nudged) > best


@pytest.mark.parametrize("angle", [-20, -12, 15, 20])
def test_a_turned_face_comes_out_level(detector, angle):
    frame = turned(angle)
    (face,) = detector.detect(frame)
    # The astronaut holds her head tilted about 10° already; turned, it is far from level.
    assert abs(eye_angle(face)) > 8

    crop = aligned_crop(frame, face, 48)
    # Read the crop again, enlarged on a plain frame: its eyes are level now.
    canvas = Image.new("RGB", (640, 480), GREY)
    canvas.paste(Image.fromarray(crop).convert("RGB").resize((240, 240)), (200, 120))
    (again,) = detector.detect(canvas)
    # Level within what BlazeFace's keypoints can tell (they wander by a few degrees when
    # the same face is turned: 9.8° upright, 23.6° turned by 20°).
    assert abs(eye_angle(again)) < 6
    # ... and near where FER2013's crops have them (the fit is over four points, not the eyes
    # alone): within 5 % of the side of the template's eyes.
    for (x, y), (tx, ty) in zip(again.keypoints[:2], TEMPLATE[:2], strict=True):
        assert ((x - 200) / 240, (y - 120) / 240) == pytest.approx((tx, ty), abs=0.05)


def test_the_crop_maps_back_onto_the_keypoints_in_the_original_frame(detector):
    frame = turned(15)
    (face,) = detector.detect(frame)
    a, b, tx, ty = crop_transform(face, 48)
    # The crop is turned as the eyes are (the fit also weighs the nose and mouth).
    assert math.degrees(math.atan2(b, a)) == pytest.approx(eye_angle(face), abs=3)
    side = math.hypot(a, b) * 48  # the crop's side in frame pixels
    for (u, v), (x, y) in zip(TEMPLATE, face.keypoints[:4], strict=True):
        mapped = (a * u * 48 - b * v * 48 + tx, b * u * 48 + a * v * 48 + ty)
        assert math.dist(mapped, (x, y)) < 0.08 * side  # least squares over four points
    # The crop's corners lie inside the square that is cut out for it.
    left, top, right, bottom = covering_box((a, b, tx, ty), 48)
    for u, v in ((0, 0), (48, 0), (0, 48), (48, 48)):
        x, y = a * u - b * v + tx, b * u + a * v + ty
        assert left <= x <= right
        assert top <= y <= bottom


def test_bilinear_reads_pixel_centres_exactly_and_blends_between_them():
    region = np.array([[0, 100], [200, 50]], dtype=np.uint8)
    centres = bilinear(region, np.array([0.5, 1.5, 0.5]), np.array([0.5, 0.5, 1.5]))
    assert centres.tolist() == [0, 100, 200]
    assert bilinear(region, np.array([1.0]), np.array([0.5])).tolist() == [50]
    assert bilinear(region, np.array([1.0]), np.array([1.0])).tolist() == [88]  # 87.5 -> even
    assert bilinear(region, np.array([-5.0]), np.array([9.0])).tolist() == [200]  # edge repeats


def test_a_face_without_usable_keypoints_keeps_the_box_framing():
    frame = photo("astronaut.png")
    classifier = ExpressionClassifier(get_model(DEFAULT_MODEL))
    box = (170.0, 40.0, 120.0, 140.0)
    flat = Detection(box, 0.9, ((200.0, 90.0),) * 6)
    assert not can_align(flat)
    assert not can_align(Detection(box, 0.9))
    expected = face_crop(frame, square_crop_box(box, classifier.spec.margin), 48)
    for face in (flat, Detection(box, 0.9)):
        assert np.array_equal(classifier.crops(frame, [face])[0], expected)

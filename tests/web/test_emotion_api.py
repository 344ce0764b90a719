"""POST /api/emotion: shapes, the privacy promise and every error path."""

import io
import logging

import pytest

from emotionpix.config import ConfigError
from emotionpix.emotion.registry import DEFAULT_MODEL, MODELS
from tests.images import DRAWN_DIR, drawn_smiley, encode, photo, png_header_only, webcam_frame

FACE_KEYS = {"box", "score", "emotions", "emotion", "confidence", "runner_up", "close_call"}


def post_file(client, data, filename="frame.jpg", field="image"):
    return client.post(
        "/api/emotion",
        data={field: (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_multipart_upload_of_a_smiling_face(client):
    response = post_file(client, webcam_frame())
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {
        "faces",
        "emotion",
        "confidence",
        "runner_up",
        "close_call",
        "genre",
        "model",
        "image_size",
        "timings_ms",
    }
    assert (body["emotion"], body["genre"], body["model"]) == ("happy", "Comedy", DEFAULT_MODEL)
    assert body["confidence"] > 0.6  # calibrated: the default model is not overconfident
    assert body["close_call"] is False
    assert body["runner_up"] != "happy"
    assert body["image_size"] == [640, 480]
    (face,) = body["faces"]
    assert set(face) == FACE_KEYS
    x, y, w, h = face["box"]
    assert 0 <= x < x + w <= 640
    assert 0 <= y < y + h <= 480
    assert body["timings_ms"]["total"] > 0


@pytest.mark.parametrize(
    ("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
)
def test_raw_image_body(client, fmt, mime):
    response = client.post(
        "/api/emotion", data=encode(photo("astronaut.png"), fmt), content_type=mime
    )
    assert response.status_code == 200
    assert response.get_json()["emotion"] == "happy"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_the_model_is_chosen_by_configuration(make_app, model):
    client = make_app(EMOTION_MODEL=model).test_client()
    body = post_file(client, webcam_frame()).get_json()
    assert (body["model"], body["emotion"]) == (model, "happy")


def test_an_unknown_model_stops_the_app_at_start_up(make_app):
    with pytest.raises(ConfigError, match="EMOTIONPIX_EMOTION_MODEL: unknown emotion model 'nope'"):
        make_app(EMOTION_MODEL="nope")


def test_genre_follows_the_configured_mapping(make_app):
    client = make_app(EMOTION_GENRES={"happy": "Animation"}).test_client()
    assert post_file(client, webcam_frame()).get_json()["genre"] == "Animation"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": b"garbage bytes", "content_type": "image/jpeg"}, 400, "invalid_image"),
        ({"data": b"", "content_type": "image/png"}, 400, "invalid_image"),
        ({"data": b'{"image": 1}', "content_type": "application/json"}, 415, "unsupported_image"),
        ({"data": b"hello"}, 415, "unsupported_image"),
        (
            {"data": {"photo": (io.BytesIO(b"x"), "a.jpg")}, "content_type": "multipart/form-data"},
            400,
            "missing_image",
        ),
        (
            {"data": png_header_only(30_000, 30_000), "content_type": "image/png"},
            413,
            "image_too_large",
        ),
    ],
)
def test_bad_requests(client, kwargs, status, code):
    response = client.post("/api/emotion", **kwargs)
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] == code
    assert body["message"]


@pytest.mark.parametrize("name", ["chelsea.png", "coffee.png"])
def test_no_face_is_a_422_with_a_hint(client, name):
    response = post_file(client, encode(photo(name), "JPEG"))
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "no_face"
    assert "light" in body["message"]


@pytest.mark.parametrize(
    "drawing",
    [
        lambda: (DRAWN_DIR / "emoji_grinning.png").read_bytes(),
        lambda: encode(drawn_smiley(30_003), "PNG"),
        lambda: encode(drawn_smiley(30_004), "JPEG", quality=85),
    ],
    ids=["emoji", "smiley", "smiley as JPEG"],
)
def test_a_drawn_face_is_no_face(client, drawing):
    # BlazeFace takes each for an upright face; the drawn-face gate (emotion/drawn.py) does not.
    response = post_file(client, drawing(), filename="drawing.png")
    assert response.status_code == 422
    assert response.get_json()["error"] == "no_face"


@pytest.mark.parametrize(
    ("data", "mimetype", "words"),
    [
        (b"shopping list", "text/plain", "not a photo"),
        (b"%PDF-1.7", "application/pdf", "not a photo"),
        (b"", "image/jpeg", "empty"),
    ],
)
def test_what_a_person_picks_by_mistake_is_explained_in_plain_words(client, data, mimetype, words):
    # What the page sends: the chosen file as the body, with the file's own type.
    response = client.post("/api/emotion", data=data, content_type=mimetype)
    assert response.status_code in (400, 415)
    message = response.get_json()["message"]
    assert words in message
    assert "JPEG, PNG or WebP" in message


def test_gif_is_unsupported(client):
    response = post_file(client, encode(photo("astronaut.png"), "GIF"), "a.gif")
    assert response.status_code == 415


def test_upload_over_the_size_limit_is_a_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=50_000).test_client()
    response = post_file(client, encode(photo("astronaut.png"), "PNG"))
    assert response.status_code == 413
    assert response.get_json()["error"] == "image_too_large"


def test_get_is_not_allowed(client):
    assert client.get("/api/emotion").status_code == 405


def test_images_are_neither_stored_nor_logged(app, client, caplog, tmp_path):
    instance = sorted(p.name for p in (tmp_path / "instance").iterdir())
    caplog.set_level(logging.DEBUG)
    frame = webcam_frame()
    post_file(client, frame)
    post_file(client, encode(photo("chelsea.png"), "JPEG"))
    assert sorted(p.name for p in (tmp_path / "instance").iterdir()) == instance
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert frame[:64].hex() not in logged
    assert "JFIF" not in logged

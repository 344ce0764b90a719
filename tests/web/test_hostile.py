"""What a hostile probe found, kept fixed: inputs that broke the database, odd numbers, log
forgery, an off-site redirect, overlong URLs, runaway cache growth — on SQLite and
PostgreSQL."""

import io
import logging

import pytest

from emotionpix.wiring import database
from tests.images import encode, malformed_exif, photo


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def hostile_client(request, make_app):
    config = {}
    if request.param == "postgresql":
        config["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    app = make_app(**config)
    yield app.test_client()
    database(app).dispose()


@pytest.mark.parametrize(
    "movie_id",
    ["%00", "tt%00123", "a" * 499, "Q1%0aInjected", "..%2f..%2fetc", "%EF%B7%BA" * 28],
)
def test_odd_movie_ids_are_not_found_never_a_500(hostile_client, movie_id):
    response = hostile_client.get(f"/api/movies/{movie_id}")
    assert response.status_code == 404
    assert response.get_json()["error"] in {"movie_not_found", "not_found"}  # no route: "..%2f"


@pytest.mark.parametrize("query", ["\ufdfa" * 28, "\x00sholay", "a\x00" * 99, "\U0001f600" * 60])
def test_odd_searches_answer_never_a_500(hostile_client, query):
    response = hostile_client.get("/api/search", query_string={"q": query})
    assert response.status_code in (200, 400)
    assert "error" in response.get_json() or "movies" in response.get_json()


@pytest.mark.parametrize("page", ["1_0", "+2", " 3", "٣", "1e3", "99999999999999999999"])
def test_pages_must_be_plain_digits(hostile_client, page):
    response = hostile_client.get(
        "/api/recommendations", query_string={"emotion": "happy", "page": page}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_page"


def test_a_double_slash_does_not_redirect_off_site(client):
    response = client.get("/static//app.css", headers={"Host": "evil.example"})
    assert response.status_code == 404
    assert "Location" not in response.headers


def test_an_overlong_url_is_a_json_414(client):
    response = client.get("/api/search", query_string={"q": "x" * 5000})
    assert response.status_code == 414
    assert response.get_json()["error"] == "uri_too_long"


def test_a_path_cannot_forge_log_lines(app, client, monkeypatch, caplog):
    from emotionpix.wiring import recommender

    def broken(movie_id):
        raise RuntimeError("boom")

    monkeypatch.setattr(recommender(app), "movie", broken)
    caplog.set_level(logging.ERROR)
    assert client.get("/api/movies/Q1%0aFAKE").status_code == 404  # refused before any work
    assert client.get("/api/movies/Q1").status_code == 500
    path = "/api/recommendations?emotion=happy"
    monkeypatch.setattr(recommender(app), "recommend", broken)
    client.get(path + "%0a%0dFAKE LOG LINE")
    messages = [r.getMessage() for r in caplog.records]
    assert messages
    assert all("\n" not in m.split("Traceback")[0] for m in messages)


def test_malformed_exif_is_read_not_a_500(client):
    data = encode(photo("astronaut.png"), "JPEG", exif=malformed_exif())
    response = client.post("/api/emotion", data=data, content_type="image/jpeg")
    assert response.status_code == 200
    assert response.get_json()["emotion"] == "happy"


def test_a_multi_picture_jpeg_is_accepted(client):
    first = photo("astronaut.png")
    data = encode(first, "MPO", save_all=True, append_images=[photo("coffee.png")])
    response = client.post(
        "/api/emotion",
        data={"image": (io.BytesIO(data), "phone.jpg")},
        content_type="multipart/form-data",
    )
    assert (response.status_code, response.get_json()["emotion"]) == (200, "happy")


def test_unknown_ids_and_empty_searches_are_cached_briefly(make_app, clock, monkeypatch):
    app = make_app()
    client = app.test_client()
    client.get("/api/movies/Q1")  # not in the catalog
    client.get("/api/search?q=zzzzqqqq")  # no match
    client.get("/api/recommendations?emotion=happy")
    from emotionpix.wiring import recommender

    store = recommender(app).cache.inner
    assert store.stats().entries == 3
    real_clock = store._clock
    monkeypatch.setattr(store, "_clock", lambda: real_clock() + 120)
    assert store.stats().entries == 1  # the two empty answers expired after a minute


def test_the_cache_keeps_at_most_its_maximum_entries(make_app):
    app = make_app(CACHE_MAX_ENTRIES=50)
    client = app.test_client()
    for i in range(200):
        client.get(f"/api/movies/Q{900000 + i}")
    from emotionpix.wiring import recommender

    assert recommender(app).cache.stats().entries <= 50 + 64  # trimmed every 64 writes

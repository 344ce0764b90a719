"""Tones through the API: every record carries its profile, a viewer can leave tones out, the
vocabulary is listed, and with TMDB every mood and mode has films from the provider (issue 30)."""

from __future__ import annotations

import pytest

from emotionpix.config import ConfigError
from emotionpix.core.tones import NOTES, TONES

EMOTIONS = ("happy", "sad", "angry", "surprise", "neutral", "fear", "disgust")


def test_every_recommended_film_carries_its_profile(client):
    films = client.get("/api/recommendations?emotion=sad&seed=3").get_json()["movies"]
    assert len(films) == 20
    for film in films:
        assert film["tones"]
        assert set(film["tones"]) <= set(TONES)
        assert film["tones_from"] == "team"
        assert set(film["intensity"]) == {"violence", "fear", "sadness"}
        assert set(film["content_notes"]) <= set(NOTES)


def test_details_and_search_carry_tones_and_an_unprofiled_film_says_so(client):
    amelie = client.get("/api/search?q=Amelie").get_json()["movies"][0]
    assert "whimsical" in amelie["tones"]
    details = client.get(f"/api/movies/{amelie['id']}").get_json()
    assert details["tones"] == amelie["tones"]
    assert details["ending"] in {"uplifting", "bittersweet"}
    # A film nobody profiled (a 1940s short the labellers were not asked about).
    plain = next(
        m
        for m in client.get("/api/search?q=The Great Dictator").get_json()["movies"]
        if m["year"] and m["year"] < 1950 and not m["tones"]
    )
    assert plain["tones"] == []
    assert plain["ending"] is None
    assert plain["tones_from"] is None


def test_tones_left_out_never_show_on_any_page(client):
    seen_harrowing = []
    for page in (1, 2, 3):
        answer = client.get(f"/api/recommendations?emotion=sad&seed=5&page={page}").get_json()
        seen_harrowing += [m for m in answer["movies"] if "harrowing" in m["tones"]]
    assert seen_harrowing, "the sad grid has harrowing films to leave out"
    for page in (1, 2, 3):
        answer = client.get(
            "/api/recommendations?emotion=sad&seed=5&page="
            f"{page}&exclude_tones=harrowing,sexual-violence"
        ).get_json()
        for film in answer["movies"]:
            assert "harrowing" not in film["tones"]
            assert "sexual-violence" not in film["content_notes"]


def test_an_unknown_tone_is_a_clear_400(client):
    response = client.get("/api/recommendations?emotion=sad&exclude_tones=grim,harrowing")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_tones"
    assert "grim" in body["message"]


def test_the_vocabulary_is_listed_with_meanings(client):
    body = client.get("/api/tones").get_json()
    assert [t["tone"] for t in body["tones"]] == list(TONES)
    assert all(t["means"] for t in body["tones"] + body["endings"] + body["content_notes"])


def test_with_tmdb_every_mood_and_mode_has_films_from_the_provider(make_app, tmdb_config):
    client = make_app(**tmdb_config).test_client()
    for mode in ("match", "lift"):
        for emotion in EMOTIONS:
            answer = client.get(f"/api/recommendations?emotion={emotion}&mode={mode}").get_json()
            assert answer["source"] == "provider", (mode, emotion)
            assert len(answer["movies"]) == 20, (mode, emotion)


def test_a_rule_asking_the_provider_for_a_genre_it_lacks_stops_start_up(make_app, tmdb_config):
    with pytest.raises(ConfigError, match=r"lift rule for happy asks for the genre 'Polka'.*Music"):
        make_app(**tmdb_config, MOOD_FIT={"lift": {"happy": {"genre": "Polka"}}})


def test_a_rule_naming_a_tone_outside_the_vocabulary_stops_start_up(make_app):
    with pytest.raises(ConfigError, match="'grim'"):
        make_app(MOOD_FIT={"match": {"sad": {"avoid": {"grim": 1}}}})

"""The taste's domain: what each signal teaches, its bounds, the guest's compact form (and what
it refuses), the re-ranking's variety and "more like this"."""

from __future__ import annotations

import base64
import zlib

import pytest

from emotionpix.core.errors import InvalidInput
from emotionpix.taste import compact
from emotionpix.taste.features import features
from emotionpix.taste.model import LIKED, MAX_NEVER, PRIOR, Signal, learn
from emotionpix.taste.rerank import MOST_OTHER, other_share, rerank
from emotionpix.taste.similar import similar

UP = {
    "id": "Q1",
    "title": "Up",
    "year": 2009,
    "genres": ["Animation", "Comedy", "Family"],
    "tones": ["funny", "heartwarming", "bittersweet"],
    "languages": ["English"],
    "countries": ["United States"],
    "director": "Pete Docter",
    "cast": ["Ed Asner"],
    "runtime": 96,
}
WAR = {
    "id": "Q2",
    "title": "Come and See",
    "year": 1985,
    "genres": ["War", "Drama"],
    "tones": ["harrowing", "bleak", "devastating"],
    "languages": ["Russian"],
    "runtime": 142,
}


def film(i: int, genres: list[str], tones: list[str]) -> dict:
    return {
        "id": f"Q{100 + i}",
        "title": f"Film {i}",
        "year": 2000,
        "genres": genres,
        "tones": tones,
    }


def test_a_like_raises_its_features_and_a_dislike_lowers_them():
    taste = learn([Signal.about(UP, "like", emotion="happy")])
    assert taste.weight("genre:animation") == pytest.approx(LIKED / (LIKED + PRIOR))
    assert taste.weight("genre:animation", "happy") > taste.weight("genre:animation", "sad")
    learn([Signal.about(WAR, "dislike")], taste)
    assert taste.weight("tone:harrowing") < 0
    assert taste.score(film(1, ["Animation"], ["funny"])) > 0 > taste.score(WAR)
    assert "Q2" in taste.hidden("happy")
    assert "Q2" in taste.hidden("sad")


def test_not_in_the_mood_hides_a_film_in_that_mood_only():
    taste = learn([Signal.about(UP, "dislike", "not-in-mood", "sad")])
    assert "Q1" in taste.hidden("sad")
    assert "Q1" not in taste.hidden("happy")
    assert taste.weight("genre:animation") == 0  # says nothing about other moods
    assert taste.weight("genre:animation", "sad") < 0


@pytest.mark.parametrize(
    ("reason", "blamed", "spared"),
    [
        ("too-dark", "tone:harrowing", "genre:war"),
        ("too-old", "decade:1980", "genre:war"),
        ("too-long", "length:long", "tone:harrowing"),
        ("not-my-language", "language:russian", "genre:drama"),
    ],
)
def test_a_reason_tells_only_against_what_it_names(reason, blamed, spared):
    taste = learn([Signal.about(WAR, "dislike", reason)])
    assert taste.weight(blamed) < 0
    assert taste.weight(spared) == 0
    assert "Q2" in taste.never


def test_not_my_taste_tells_against_the_kind_of_film_and_its_time_only():
    taste = learn([Signal.about(WAR, "dislike", "not-my-taste", "sad")])
    assert taste.weight("genre:war") < 0
    assert taste.weight("tone:harrowing") < 0
    # there is no "too new": one put off by a film's time says "not my taste"
    assert taste.weight("decade:1980") < 0
    assert taste.weight("language:russian") == 0  # "not my language" would have said so
    assert taste.weight("length:long") == 0  # nor "too long"
    assert "Q2" in taste.never


def test_not_in_the_mood_tells_against_how_the_film_feels_in_that_mood():
    taste = learn([Signal.about(WAR, "dislike", "not-in-mood", "sad")])
    assert taste.weight("feel:heavy", "sad") < 0
    assert taste.weight("language:russian", "sad") == 0


def test_too_old_tells_against_older_decades_too_never_newer_ones():
    taste = learn([Signal.about(WAR, "dislike", "too-old")])
    assert taste.weight("decade:1980") < 0
    assert taste.weight("decade:1950") < 0
    assert taste.weight("decade:1990") == 0


def test_a_like_reaches_the_decades_either_side_less():
    taste = learn([Signal.about(UP, "like")])
    assert taste.weight("decade:2000") > taste.weight("decade:1990") > 0
    assert taste.weight("decade:2010") > 0
    assert taste.weight("decade:1980") == 0


def test_how_a_film_feels_is_learned_in_the_mood_it_was_said_in():
    taste = learn([Signal.about(UP, "like", emotion="sad")])
    assert taste.weight("feel:light", "sad") > 0
    assert taste.weight("feel:light", "happy") == 0  # wanting cheering up when sad
    assert taste.weight("tone:funny", "happy") > 0  # the tones are taste everywhere
    assert learn([Signal.about(UP, "like")]).weight("feel:light", "happy") > 0  # no mood


def test_seen_it_hides_the_film_and_teaches_nothing():
    taste = learn([Signal.about(UP, "dislike", "seen")])
    assert "Q1" in taste.never
    assert not taste.learned


def test_a_like_after_not_for_me_brings_the_film_back():
    taste = learn([Signal.about(UP, "dislike"), Signal.about(UP, "like")])
    assert "Q1" not in taste.never


def test_a_taste_is_bounded():
    many = [Signal.about({**UP, "id": f"Q{i}", "director": f"D{i}"}, "dislike") for i in range(900)]
    taste = learn(many)
    assert len(taste.never) == MAX_NEVER
    assert "Q899" in taste.never
    assert "Q0" not in taste.never
    assert len(taste.counts["*"]) <= 150


def test_the_guest_form_round_trips_and_stays_short():
    taste = learn(
        [Signal.about(UP, "like", emotion="happy"), Signal.about(WAR, "dislike", "too-dark")]
    )
    back = compact.decode(compact.encode(taste))
    assert back.counts == taste.counts
    assert back.never == taste.never
    assert back.liked[0][1] == "Up"
    huge = learn(
        Signal.about({**UP, "id": f"Q{i}", "title": f"T{i}", "director": f"Person {i}"}, verdict)
        for i in range(400)
        for verdict in ("like", "dislike")
    )
    text = compact.encode(huge)
    assert len(text) <= compact.MAX_TEXT
    assert compact.decode(text).learned


def packed(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        "not base64 at all!",
        packed(b"[1, 2]"),
        packed(b'{"v": 2}'),
        packed(b" " * 1_000_000),  # inflates far past the bound
        packed(b'{"v": 1, "c": {"bored": {}}}'),
        packed(b'{"v": 1, "c": {"*": {"colour:red": [1, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [1e300, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [-1, 0]}}}'),
        packed(b'{"v": 1, "n": ["../../etc"]}'),
        packed(b'{"v": 1, "n": ["Q1"], "a": {"happy": [5]}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama\\ngenre:war": [1, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [true, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [NaN, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [Infinity, 0]}}}'),
        packed(b'{"v": 1, "c": {"*": {"genre:drama": [1e308, 1e308]}}}'),
        packed(b'{"v": 1, "n": ["Q1\\nQ2"]}'),
        packed(b'{"v": 1, "n": ["Q1", 2]}'),
    ],
)
def test_a_guest_form_the_app_did_not_write_is_refused(text):
    with pytest.raises(InvalidInput) as caught:
        compact.decode(text)
    assert caught.value.code == "invalid_taste"


def test_rerank_prefers_the_taste_but_keeps_variety():
    pool = [film(i, ["Drama"], ["moving"]) for i in range(30)]
    pool += [film(100 + i, ["Animation"], ["funny"]) for i in range(30)]
    taste = learn([Signal.about(UP, "like")] * 3)
    ranked = rerank(pool, lambda m: m, lambda m: None, taste, seed=1, first=20)
    first = ranked[:20]
    assert sum("Animation" in m["genres"] for m in first) > 10  # the static order had none
    assert any("Drama" in m["genres"] for m in first)  # but not only animated films
    assert sorted(m["id"] for m in ranked) == sorted(m["id"] for m in pool)
    assert ranked == rerank(pool, lambda m: m, lambda m: None, taste, seed=1, first=20)


def test_a_mood_s_other_rules_come_in_only_where_the_viewer_said_so():
    dramas = [
        {**film(i, ["Drama"], ["devastating", "bleak", "melancholic"]), "id": f"D{i}", "title": ""}
        for i in range(20)
    ]
    comedies = [{**film(i, ["Comedy"], ["funny"]), "id": f"C{i}", "title": ""} for i in range(20)]

    def share(signals, emotion="sad"):
        return other_share(learn(signals).wish(emotion), dramas, comedies)

    cheer_me_up = [Signal.about(d, "dislike", "not-in-mood", "sad") for d in dramas[:2]]
    assert share(cheer_me_up) == MOST_OTHER  # the asked rules keep a part of the page
    assert share(cheer_me_up[:1]) > 0
    assert share([Signal.about(dramas[0], "like", emotion="sad")]) == 0  # wallowing: no
    assert share(cheer_me_up, "fear") == 0  # said when sad: nothing about fear
    assert share([Signal.about(d, "dislike", "not-in-mood", "happy") for d in dramas[:2]]) == 0
    assert share([Signal.about(UP, "like")]) == 0  # said in no mood


def test_similar_never_lists_the_film_itself_and_says_what_is_shared():
    twin = {**UP, "id": "tt-other-id", "imdb_id": None}  # the same film under another id
    kin = {**UP, "id": "Q3", "title": "Coco", "year": 2017, "director": "Lee Unkrich"}
    found = similar(UP, [UP, twin, kin, WAR])
    assert [m["id"] for m, _ in found] == ["Q3"]
    assert (
        found[0][1] == "Like Up: funny, heartwarming, bittersweet; Animation, Comedy, Family; "
        "with Ed Asner; in English"
    )


def test_a_film_whose_profile_changes_is_read_afresh():
    before = features(film(7, ["Drama"], ["moving"]))
    after = features(film(7, ["Drama"], ["funny"]))  # the same id and title, a new profile
    assert "tone:moving" in before
    assert "tone:funny" in after
    assert "tone:moving" not in after

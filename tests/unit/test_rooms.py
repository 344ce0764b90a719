"""The rooms' domain without HTTP: codes, the group's films (least misery, then the mean),
the room's mood, and a store that never keeps films computed from older moods."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import create_engine

from emotionpix.db import metadata
from emotionpix.rooms import Decided, RoomStore, new_code, room_films, room_mood, valid_code
from emotionpix.rooms.codes import ALPHABET, LENGTH
from emotionpix.rooms.group import mood_key
from emotionpix.rooms.store import member_key

HAPPY, SAD, FEAR = mood_key("happy", None), mood_key("sad", None), mood_key("fear", None)


def films(*ids):
    return [({"id": i, "title": i.upper()}, f"A film {i} — picked for your mood") for i in ids]


def test_codes_are_random_unambiguous_and_checked():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"[{ALPHABET}]{{{LENGTH}}}", c) for c in codes)
    assert not set("01ILOUV") & set(ALPHABET)
    assert valid_code(next(iter(codes)))
    assert not valid_code("ABCDEFG0")
    assert not valid_code("abcdefgh")


def test_a_film_one_member_would_hate_never_outranks_one_that_suits_everyone():
    rankings = {HAPPY: films("a", "b", "c", "d"), SAD: films("d", "c", "e", "f")}
    members = [("Ana", HAPPY), ("Bo", HAPPY), ("Cy", SAD)]
    result = room_films(members, rankings)
    # "a" is both happy members' favourite (mean 0.67) but not for Cy: it comes after the
    # films that fit all three, c (worst 0.5, mean 0.58) and d (worst 0.25, mean 0.5).
    ids = [f.movie["id"] for f in result]
    assert ids[:2] == ["c", "d"]
    assert all(f.worst > 0 for f in result[:2])
    assert ids[2] == "a"  # then the films that fit the most members
    assert result[0].reason.endswith("fits everyone's mood: Ana (happy), Bo (happy) and Cy (sad)")
    assert result[2].reason.endswith("fits Ana (happy) and Bo (happy); not Cy (sad)")
    means = [f.mean for f in result[:2]]
    assert means == sorted(means, reverse=True)


def test_one_member_and_no_member():
    assert room_films([], {}) == []
    alone = room_films([("Ana", FEAR)], {FEAR: films("x", "y")})
    assert [f.movie["id"] for f in alone] == ["x", "y"]
    assert alone[0].reason == "A film x — picked for Ana (fear)'s mood"


def test_the_room_mood_is_each_emotions_mean_share():
    mood = room_mood([HAPPY, mood_key(None, {"sad": 0.6, "neutral": 0.4})])
    assert mood == {
        "emotion": "happy",
        "emotions": {"happy": 0.5, "sad": 0.3, "neutral": 0.2},
        "members": 2,
    }
    assert room_mood([]) is None


@pytest.fixture
def engine(tmp_path):
    """A database of its own, with the app's tables."""
    made = create_engine(f"sqlite:///{tmp_path / 'rooms.db'}")
    metadata.create_all(made)
    return made


@pytest.fixture
def store(engine):
    return RoomStore(engine)


def test_films_from_older_moods_are_not_kept(store):
    code, host = store.create("Ana")
    guest = store.join(code, "Bo")
    before = store.room(code).moods
    store.set_mood(code, guest, "sad", None)  # meanwhile, another request changes a mood
    assert not store.set_films(code, [{"id": "old"}], before)
    assert store.room(code).films == []
    assert store.set_films(code, [{"id": "new"}], store.room(code).moods)
    assert store.room(code).films == [{"id": "new"}]
    assert host != guest


def test_a_process_never_shows_a_room_older_than_the_store_has_it(engine):
    one, two = RoomStore(engine), RoomStore(engine)  # two workers, one database
    code, host = one.create("Ana")
    guest = two.join(code, "Bo")
    seen = one.room(code)  # kept by the first worker
    assert [m.name for m in seen.members] == ["Ana", "Bo"]
    assert one.room(code) is seen  # unchanged: the kept room, after one small query
    ana, bo = (m.key for m in seen.members)
    kept, after = two.set_mood(code, guest, "sad", None, ([{"id": "a"}], "older moods"))
    assert not kept  # blended for other moods: not kept
    assert after.films == []
    voted = two.vote(code, host, "a")  # the room exactly as the change left it
    assert voted.version == after.version + 1
    assert voted.votes == {ana: "a"}
    now = one.room(code)  # what the other worker changed is seen at once
    assert now.version == voted.version
    assert now.votes == {ana: "a"}
    assert now.member(bo).emotion == "sad"
    happy = [replace(m, emotion="happy") if m.key == ana else m for m in now.members]
    kept, after = one.set_mood(
        code, host, "happy", None, ([{"id": "b"}], replace(now, members=happy).moods)
    )
    assert kept
    assert after.films == [{"id": "b"}]
    assert after.member(ana).emotion == "happy"
    assert two.room(code).films == [{"id": "b"}]
    vetoed = two.veto(code, guest, "a")
    assert vetoed.vetoes == {"a": bo}
    assert vetoed.votes == {}  # the film's votes went with it
    assert one.room(code) == vetoed


def test_a_members_hidden_film_clears_only_undecided_rooms_films(store):
    open_room, _ = store.create("Ana", account_id="ana")
    decided, _ = store.create("Ana", account_id="ana")
    other, _ = store.create("Bo", account_id="bo")
    for code in (open_room, decided, other):
        assert store.set_films(code, [{"id": "a"}], store.room(code).moods)
    store.set_pick(decided, "a")
    assert store.films_stale("ana") == [open_room]
    assert store.room(open_room).films == []  # blended again on the next look
    assert store.room(decided).films == [{"id": "a"}]  # tonight's pick stays as it was
    assert store.room(other).films == [{"id": "a"}]


def test_the_first_pick_stands_and_no_vote_or_veto_lands_after_it(store):
    code, host = store.create("Ana")
    guest = store.join(code, "Bo")
    assert store.set_films(code, [{"id": "a"}, {"id": "b"}], store.room(code).moods)
    store.vote(code, host, "a")
    decided = store.set_pick(code, "a")  # the host closes the vote ...
    assert decided.pick == "a"
    # ... as Bo's last vote, checked against the room before the close, reaches the store
    with pytest.raises(Decided):
        store.vote(code, guest, "b")
    with pytest.raises(Decided):
        store.veto(code, guest, "a")
    assert store.set_pick(code, "b") == decided  # that request's pick does not replace it
    assert store.room(code) == decided
    assert store.room(code).votes == {member_key(host): "a"}


def test_racing_picks_make_one(store):
    code, _ = store.create("Ana")
    films = [{"id": str(n)} for n in range(8)]
    assert store.set_films(code, films, store.room(code).moods)
    with ThreadPoolExecutor(8) as pool:
        picks = list(pool.map(lambda film: store.set_pick(code, film["id"]).pick, films))
    assert len(set(picks)) == 1  # every request saw the one pick that was made
    assert store.room(code).pick == picks[0]

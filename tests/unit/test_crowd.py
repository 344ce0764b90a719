"""What the members like together (taste.crowd): who counts, how much, what it moves, and how
the app keeps it current."""

from __future__ import annotations

import threading

import pytest

from emotionpix.taste.crowd import MIN_MEMBERS, PER_MEMBER, Crowd, Crowds, gather
from emotionpix.taste.model import Signal, Taste, learn
from emotionpix.taste.rerank import rerank


def film(i: int, genres: list[str], tones: list[str], year: int = 2000) -> dict:
    return {"id": f"Q{i}", "title": f"Film {i}", "year": year, "genres": genres, "tones": tones}


CARTOON = film(1, ["Animation"], ["funny"])
WAR = film(2, ["War"], ["bleak"])


def member(liked: dict, disliked: dict, emotion: str = "neutral") -> list[Signal]:
    return [
        Signal.about(liked, "like", emotion=emotion),
        Signal.about(disliked, "dislike", emotion=emotion),
    ]


def test_a_feature_counts_once_enough_members_said_something_about_it():
    few = gather([member(CARTOON, WAR)] * (MIN_MEMBERS - 1))
    assert not few
    assert few.prior("neutral") == {}
    enough = gather([member(CARTOON, WAR)] * MIN_MEMBERS)
    assert enough.members == MIN_MEMBERS
    neutral = enough.prior("neutral")
    assert neutral["genre:animation"] > 0 > neutral["genre:war"]
    assert neutral["tone:funny"] > 0 > neutral["tone:bleak"]


def test_a_weight_is_against_the_rest_of_its_group_not_the_like_rate():
    # These members turn down most films; war films fare worse than dramas, dramas worse
    # than cartoons: the weights follow that, whatever the overall like rate.
    def said(movie: dict, verdict: str, n: int) -> list[Signal]:
        return [Signal.about(movie, verdict, emotion="sad")] * n

    drama = film(3, ["Drama"], ["moving"])
    one = [*said(CARTOON, "like", 1), *said(drama, "like", 1), *said(drama, "dislike", 1)]
    members = [[*one, *said(WAR, "dislike", 2)] for _ in range(8)]
    prior = gather(members).prior("sad")
    assert prior["genre:animation"] > prior["genre:drama"] > prior["genre:war"]
    assert prior["genre:animation"] > 0 > prior["genre:war"]


def test_no_one_member_steers_the_crowd():
    quiet = [member(CARTOON, WAR) for _ in range(MIN_MEMBERS)]
    loud = [
        Signal.about(film(100 + i, ["War"], ["bleak"]), "like", emotion="neutral")
        for i in range(200)
    ]
    crowd = gather([*quiet, loud])
    # One account's 200 likes of war films weigh what PER_MEMBER allows, no more: the five
    # who disliked one war film each still carry the crowd.
    assert PER_MEMBER < MIN_MEMBERS
    assert crowd.prior("neutral")["genre:war"] < 0


def test_a_mood_s_crowd_weights_come_before_its_overall_ones():
    happy = [member(CARTOON, WAR, "happy") for _ in range(MIN_MEMBERS)]
    sad = [member(WAR, CARTOON, "sad") for _ in range(MIN_MEMBERS)]
    crowd = gather([*happy, *sad])
    assert crowd.prior("happy")["genre:animation"] > 0
    assert crowd.prior("sad")["genre:animation"] < 0
    # Said in both moods, the overall weight balances out: a mood no one spoke in gets it.
    assert crowd.prior("fear")["genre:animation"] == pytest.approx(0.0, abs=0.05)


def test_a_viewer_s_own_evidence_outweighs_the_crowd_as_it_grows():
    crowd = gather([member(WAR, CARTOON) for _ in range(MIN_MEMBERS)])
    prior = crowd.prior("neutral")
    fresh = Taste()
    assert fresh.weights("neutral", prior)["genre:animation"] == prior["genre:animation"] < 0
    fan = Taste()
    liked = []
    for i in range(20):
        learn([Signal.about(film(200 + i, ["Animation"], ["funny"]), "like")], fan)
        liked.append(fan.weights("neutral", prior)["genre:animation"])
    assert liked == sorted(liked)  # each like moves it further from the crowd's
    assert liked[4] > 0  # five likes outweigh the crowd's dislike
    assert liked[-1] > 0.5


def test_the_crowd_moves_a_viewer_with_no_signals_and_keeps_variety():
    pool = [film(300 + i, ["Drama"], ["moving"]) for i in range(30)]
    pool += [film(400 + i, ["Animation"], ["funny"]) for i in range(30)]
    crowd = gather([member(CARTOON, WAR) for _ in range(10)])
    first = rerank(pool, lambda m: m, lambda m: "neutral", Taste(), 1, 20, crowd)[:20]
    static = rerank(pool, lambda m: m, lambda m: "neutral", Taste(), 1, 20)[:20]
    cartoons = sum("Animation" in m["genres"] for m in first)
    assert sum("Animation" in m["genres"] for m in static) == 0  # the static order's first
    assert cartoons > 5  # more of what the crowd likes
    assert cartoons < 20  # never a page of nothing else


def test_the_crowd_is_rebuilt_when_due_and_kept_when_its_store_is_down():
    now = [0.0]
    answers: list[list[list[Signal]] | None] = [[member(CARTOON, WAR)] * MIN_MEMBERS]
    reads = []

    def read() -> list[list[Signal]] | None:
        reads.append(now[0])
        return answers[-1]

    crowds = Crowds(read, refresh=600, clock=lambda: now[0])
    first = crowds.current()
    assert isinstance(first, Crowd)
    assert first.members == MIN_MEMBERS
    now[0] = 599
    assert crowds.current() is first
    assert reads == [0.0]
    answers.append(None)  # the store is down
    now[0] = 600
    assert crowds.current() is first  # the last crowd goes on
    now[0] = 610
    assert crowds.current() is first
    assert reads == [0.0, 600]
    answers.append([member(CARTOON, WAR)] * (MIN_MEMBERS - 1))  # members left
    now[0] = 631
    assert crowds.current() is None  # too few now: nothing is said for them


def test_a_rebuild_behind_the_requests_keeps_them_from_waiting():
    release, started = threading.Event(), threading.Event()
    calls = []

    def read() -> list[list[Signal]]:
        calls.append(1)
        started.set()
        assert release.wait(10)
        return [member(CARTOON, WAR)] * MIN_MEMBERS

    crowds = Crowds(read, refresh=600, behind=True)
    assert crowds.current() is None  # the first rebuild is under way; nothing waits for it
    assert started.wait(10)
    assert crowds.current() is None  # still under way: not started twice, not waited for
    release.set()
    for thread in threading.enumerate():
        if thread.name == "crowd":
            thread.join(10)
    found = crowds.current()
    assert found is not None
    assert found.members == MIN_MEMBERS
    assert len(calls) == 1


def test_the_crowd_never_speaks_of_people():
    directed = {**CARTOON, "director": "Pete Docter", "cast": ["Ed Asner"]}
    crowd = gather([member(directed, WAR) for _ in range(MIN_MEMBERS * 2)])
    prior = crowd.prior("neutral")
    assert prior["genre:animation"] > 0
    assert not [f for f in prior if f.startswith("person:")]

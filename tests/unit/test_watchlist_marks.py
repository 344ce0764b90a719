"""The watchlist's marks from availability: on the viewer's services (streaming, free or with
ads; never rent or buy), and "new" only where the last check, in the same region, saw the
film elsewhere."""

from emotionpix.core.movies import Movie
from emotionpix.recommend.watchlist import Mark, check

FILM = Movie("1", "A film")
NETFLIX, PRIME, APPLE = {"id": 8, "name": "Netflix"}, {"id": 119, "name": "Prime"}, {"id": 2}


def offers(**kinds):
    return {"region": "IN", "stream": [], "free": [], "ads": [], "rent": [], "buy": [], **kinds}


def test_streaming_free_and_ads_count_renting_does_not():
    found = check([FILM], [offers(ads=[NETFLIX])], "IN", {8}, {})
    assert found.marks == {"1": Mark(("Netflix",), new=False)}
    assert found.seen_now == {"1": {"region": "IN", "services": [8]}}
    again = check([FILM], [offers(ads=[NETFLIX])], "IN", {8}, found.seen_now)
    assert again.marks == found.marks
    assert again.seen_now == {}  # nothing changed: nothing to write
    rented = check([FILM], [offers(rent=[{**APPLE, "name": "Apple TV"}])], "IN", {2}, {})
    assert rented.marks == {}


def test_new_only_against_a_check_in_the_same_region():
    now = [offers(stream=[NETFLIX, PRIME])]
    before = {"1": {"region": "IN", "services": [119]}}
    assert check([FILM], now, "IN", {8}, before).marks["1"].new
    assert not check([FILM], now, "IN", {119}, before).marks["1"].new  # Prime had it then
    elsewhere = {"1": {"region": "US", "services": []}}
    assert not check([FILM], now, "IN", {8}, elsewhere).marks["1"].new


def test_unavailable_films_are_neither_marked_nor_remembered():
    found = check([FILM], [{"region": "IN", "unavailable": "…"}], "IN", {8}, {})
    assert (found.marks, found.seen_now, found.unavailable) == ({}, {}, True)

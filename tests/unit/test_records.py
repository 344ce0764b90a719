"""Records become JSON one way (core.records): fields in order, records inside as JSON,
tuples as lists, a field inlined or under another key; their shape has a digest."""

from dataclasses import make_dataclass

from emotionpix.core.movies import Movie
from emotionpix.core.records import shape
from emotionpix.recommend.records import BlendPart, Pick, Recommendations, SearchResults
from tests.fakes import MOVIE_FIELDS

MOVIE = Movie("Q1", "Sholay", 1975, ("Action", "Drama"), 8.1, 60, cast=("Dharmendra",))


def test_a_movie_speaks_json_with_lists_for_tuples():
    found = MOVIE.to_dict()
    assert list(found) == [f for f in Movie.__dataclass_fields__]
    assert set(found) == MOVIE_FIELDS
    assert (found["genres"], found["cast"], found["languages"]) == (
        ["Action", "Drama"],
        ["Dharmendra"],
        [],
    )
    assert Movie.from_dict(found) == MOVIE


def test_a_pick_is_its_films_fields_and_its_reason():
    assert Pick(MOVIE, "because").to_dict() == {**MOVIE.to_dict(), "reason": "because"}


def test_recommendations_name_their_picks_movies_in_the_api_order():
    answer = Recommendations(
        emotion="sad",
        genre="Drama",
        mode="match",
        blend=[BlendPart("sad", "Drama", 0.6), BlendPart("neutral", "Drama", 0.4)],
        source="cache",
        page=1,
        seed=7,
        total=1,
        has_more=False,
        picks=[Pick(MOVIE, "because")],
    )
    found = answer.to_dict()
    assert list(found) == [
        *("emotion", "genre", "mode", "blend", "source"),
        *("page", "seed", "total", "has_more", "movies", "drawn_from", "tuned", "crowd", "wished"),
    ]
    assert found["wished"] is None  # no taste brought a mood's other rules in
    assert found["blend"][0] == {"emotion": "sad", "genre": "Drama", "weight": 0.6}
    assert found["movies"] == [{**MOVIE.to_dict(), "reason": "because"}]
    assert answer.movies == [MOVIE]


def test_search_results_hold_plain_movies():
    found = SearchResults("sholay", "provider", [MOVIE]).to_dict()
    assert found == {
        "query": "sholay",
        "source": "provider",
        "movies": [MOVIE.to_dict()],
        "hidden": 0,
        "drawn_from": "",
        "not_found": None,
    }


def test_a_shape_changes_with_any_field_name_or_type():
    fields = [("id", "str"), ("year", "int | None"), ("cast", "tuple[str, ...]")]
    film = make_dataclass("Film", fields)
    renamed = make_dataclass("Film", [fields[0], ("released", "int | None"), fields[2]])
    retyped = make_dataclass("Film", [fields[0], ("year", "str"), fields[2]])
    added = make_dataclass("Film", [*fields, ("tagline", "str | None")])
    assert shape(film) == shape(make_dataclass("Other", fields))  # the class name is no part
    assert len({shape(film), shape(renamed), shape(retyped), shape(added)}) == 4

"""Why this film: reasons built from the film's data and the mood it was picked for."""

import pytest

from emotionpix.recommend.explain import describe, why
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import build_moods
from tests.fakes import film

MOODS = build_moods(build_mapping())


@pytest.mark.parametrize(
    ("genres", "mode", "emotion", "expected"),
    [
        (("Comedy",), "match", "happy", "A light-hearted comedy"),
        (("Romance", "Comedy", "Drama"), "match", "happy", "A light-hearted romantic comedy"),
        (("Animation", "Comedy", "Romance"), "match", "happy", "A light-hearted animated comedy"),
        (("Biography", "Drama", "History"), "match", "neutral", "A thoughtful biographical drama"),
        (("Sci-Fi", "Action"), "match", "angry", "A high-energy science-fiction action film"),
        (("Horror",), "match", "fear", "A chilling horror film"),
        (("Romance", "Comedy", "Drama"), "lift", "sad", "An uplifting comedy-drama"),
        (("Comedy", "Action"), "lift", "angry", "A cathartic action comedy"),
        (("Musical", "Music"), "lift", "happy", "A joyful musical"),  # not "music musical"
    ],
)
def test_the_description_names_the_feature_the_strongest_supporting_genre_and_the_genre(
    genres, mode, emotion, expected
):
    movie = film("f", *genres, rating=8.6, votes=210)
    text = describe(movie, MOODS.rules(mode)[emotion], "critics")
    assert text == f"{expected}, 8.6/10 from 210 critics"


def test_the_rating_part_says_only_what_is_known():
    rule = MOODS.match["happy"]
    assert describe(film("a", "Comedy", votes=0), rule, "votes") == "A light-hearted comedy, 8.0/10"
    assert describe(film("b", "Comedy", rating=None), rule, "votes") == "A light-hearted comedy"
    assert describe(film("c", "Comedy", votes=12345), rule, "votes").endswith("12,345 votes")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("happy", "match"), "picked for your happy mood"),
        (("sad", "lift"), "picked to lift your sad mood"),
        (("surprise", "match", True), "picked for the surprise in your mood too"),
        (("fear", "lift", True), "picked to lift the fear in your mood too"),
    ],
)
def test_why_says_which_mood_the_film_is_for(args, expected):
    assert why(*args) == expected

"""Why this film: reasons built from the film's data and the mood it was picked for."""

from dataclasses import replace

import pytest

from emotionpix.recommend.explain import describe, why
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import build_moods
from tests.fakes import film

MOODS = build_moods(build_mapping())


@pytest.mark.parametrize(
    ("genres", "mode", "emotion", "expected"),
    [
        (("Comedy",), "match", "happy", "A comedy"),
        (("Romance", "Comedy", "Drama"), "match", "happy", "A romantic comedy"),
        (("Animation", "Comedy", "Romance"), "match", "happy", "An animated comedy"),
        (("Biography", "Drama", "History"), "match", "neutral", "A biographical drama"),
        (("Sci-Fi", "Action"), "match", "angry", "A science-fiction action film"),
        (("Horror",), "match", "fear", "A horror film"),
        (("Romance", "Comedy", "Drama"), "lift", "sad", "A comedy-drama"),
        (("Comedy", "Action"), "lift", "angry", "An action comedy"),
        (("Musical", "Music"), "lift", "happy", "A musical"),  # not "music musical"
    ],
)
def test_without_a_profile_the_description_names_only_genres(genres, mode, emotion, expected):
    movie = film("f", *genres, rating=8.6, votes=210)
    text = describe(movie, MOODS.rules(mode)[emotion], "critics")
    assert text == f"{expected}, 8.6/10 from 210 critics"


@pytest.mark.parametrize(
    ("genres", "tones", "mode", "emotion", "expected"),
    [
        (("Comedy",), ("dark", "funny", "quirky"), "match", "happy", "A quirky comedy"),
        (
            ("Romance", "Comedy"),
            ("funny", "heartwarming"),
            "lift",
            "disgust",
            "A heartwarming comedy",
        ),
        (("Romance", "Drama"), ("romantic", "moving"), "match", "sad", "A moving romantic drama"),
        (
            ("Drama",),
            ("bittersweet", "funny", "moving"),
            "match",
            "sad",
            "A bittersweet, moving drama",
        ),
    ],
)
def test_with_a_profile_the_description_quotes_only_the_films_own_tones(
    genres, tones, mode, emotion, expected
):
    """Wanted tones in the profile's order, at most two, none a genre word already says;
    "romantic" only where the film feels romantic."""
    movie = replace(film("f", *genres, rating=8.6, votes=210), tones=tones)
    text = describe(movie, MOODS.rules(mode)[emotion], "critics")
    assert text == f"{expected}, 8.6/10 from 210 critics"


def test_the_rating_part_says_only_what_is_known():
    rule = MOODS.match["happy"]
    assert describe(film("a", "Comedy", votes=0), rule, "votes") == "A comedy, 8.0/10"
    assert describe(film("b", "Comedy", rating=None), rule, "votes") == "A comedy"
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

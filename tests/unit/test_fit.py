"""The mood-fit score: central vs incidental genres, conflicts, cue words, variety."""

import pytest

from emotionpix.recommend.fit import MoodFit
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import build_moods
from tests.fakes import film

MOODS = build_moods(build_mapping())
SCORE = MoodFit(MOODS.match, MOODS.settings)
THRESHOLD = MOODS.settings.threshold


def test_a_film_of_the_mapped_genre_alone_fits_fully():
    assert SCORE.fit(film("a", "Comedy"), "happy") == 1.0


def test_supporting_genres_keep_the_fit_and_unrelated_ones_dilute_it():
    assert SCORE.fit(film("a", "Comedy", "Family", "Romance"), "happy") == 1.0
    assert SCORE.fit(film("b", "Comedy", "Drama"), "happy") == pytest.approx(2 / 3)


def test_a_genre_among_many_others_is_incidental_and_does_not_qualify():
    reservoir_dogs = film(
        "rd", "Thriller", "Mystery", "Comedy", "Drama", "Crime", "Action", "Adventure"
    )
    apocalypse_now = film(
        "an", "War", "Horror", "Thriller", "Comedy", "Drama", "History", "Action", "Adventure"
    )
    assert SCORE.fit(reservoir_dogs, "happy") < THRESHOLD
    assert SCORE.fit(apocalypse_now, "happy") < THRESHOLD
    assert SCORE.fit(apocalypse_now, "fear") < THRESHOLD


def test_conflicting_genres_weigh_more_than_unrelated_ones():
    assert SCORE.fit(film("w", "Comedy", "War"), "happy") < SCORE.fit(
        film("x", "Comedy", "Western"), "happy"
    )
    assert SCORE.fit(film("t", "Sci-Fi", "Horror", "Thriller", "Drama", "Action"), "sad") < 0.2


def test_a_film_without_the_genre_does_not_fit():
    assert SCORE.fit(film("h", "Horror", "Thriller"), "happy") == 0.0


def test_genres_match_whatever_their_case():
    assert SCORE.fit(film("a", "comedy", "FAMILY", "war"), "happy") == SCORE.fit(
        film("b", "Comedy", "Family", "War"), "happy"
    )


def test_keywords_and_plot_move_the_fit():
    plain = film("p", "Comedy", "Drama")
    warm = film("w", "Comedy", "Drama", keywords=("friendship", "road trip"))
    grim = film("g", "Comedy", "Drama", overview="A serial killer stalks the town.")
    assert SCORE.fit(grim, "happy") < SCORE.fit(plain, "happy") < SCORE.fit(warm, "happy")


def test_cue_words_match_whole_words_and_plurals_only():
    base = SCORE.fit(film("b", "Horror", "Drama"), "fear")
    assert SCORE.fit(film("g", "Horror", "Drama", overview="Two ghosts."), "fear") > base
    assert SCORE.fit(film("w", "Horror", "Drama", overview="A ghostwriter."), "fear") == base


def test_cue_words_are_capped_so_text_never_overrules_the_genres():
    spree = film("s", "Comedy", overview="murder suicide torture massacre genocide rape")
    cap = MOODS.settings.cue_cap
    assert SCORE.fit(spree, "happy") == pytest.approx(1 / (1 + cap))


def test_a_film_belongs_to_the_mood_it_fits_best_and_the_first_listed_on_a_tie():
    assert SCORE.home(film("b", "Biography", "Drama", "History")) == "neutral"
    assert SCORE.home(film("r", "Romance", "Drama")) == "sad"
    assert SCORE.home(film("d", "Drama")) == "sad"  # fits sad and neutral alike
    assert SCORE.home(film("c", "Comedy", "Drama")) == "happy"


def test_the_bonus_is_lower_in_a_mood_that_is_not_the_films_home():
    biopic = film("b", "Biography", "Drama", "History")
    weight, variety = MOODS.settings.weight, MOODS.settings.variety
    assert SCORE.bonus(biopic, "neutral") == weight
    assert SCORE.bonus(biopic, "sad") == pytest.approx(weight * SCORE.fit(biopic, "sad") - variety)


def test_overrides_change_the_score():
    moods = build_moods(
        build_mapping(), {"other": 1, "match": {"happy": {"conflict": {"Drama": 3}}}}
    )
    score = MoodFit(moods.match, moods.settings)
    assert score.fit(film("d", "Comedy", "Drama"), "happy") == pytest.approx(0.25)
    assert score.fit(film("w", "Comedy", "Western"), "happy") == pytest.approx(0.5)

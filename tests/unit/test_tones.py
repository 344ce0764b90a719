"""Tone profiles: the vocabulary, the bundled table, the fit they drive and the reasons they
allow (issue 30)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from emotionpix.core.movies import Intensity, Movie
from emotionpix.core.tones import ENDINGS, NOTES, TONES, ToneProfile, UnknownTone, check_tones
from emotionpix.providers.catalog import CatalogProvider
from emotionpix.recommend.explain import describe
from emotionpix.recommend.fit import MoodFit
from emotionpix.recommend.mapping import build_mapping
from emotionpix.recommend.moods import MODES, build_moods
from emotionpix.recommend.tones import BUNDLED_PROFILES, ToneBook, read_profiles

PAGES_SHOWN = 5  # the first five pages a grid can show
WINDOW = 40  # films a seed shuffles among (two pages)
FIRST_FIVE = -(-PAGES_SHOWN * 20 // WINDOW) * WINDOW  # every seed's first five pages: the best 120


@pytest.fixture(scope="module")
def catalog() -> CatalogProvider:
    return CatalogProvider()


def test_the_vocabulary_has_a_definition_for_every_word():
    assert 25 <= len(TONES) <= 40
    for table in (TONES, ENDINGS, NOTES):
        assert all(isinstance(text, str) and len(text) > 10 for text in table.values())
    check_tones(["funny", "ending:tragic", "note:suicide"], "here")
    for wrong in ("hilarious", "ending:happy", "note:spiders"):
        with pytest.raises(UnknownTone, match="here"):
            check_tones([wrong], "here")


def test_every_bundled_profile_is_a_catalog_film_with_its_title_and_year(catalog):
    profiles, titles = read_profiles(BUNDLED_PROFILES)
    assert len(profiles) >= 3000
    for film_id, (title, year, imdb_id) in titles.items():
        movie = catalog.get(film_id)
        assert movie is not None, film_id
        assert (movie.title, movie.year, movie.imdb_id) == (title, year, imdb_id)
    for profile in profiles.values():
        assert 1 <= len(profile.tones) <= 6
        assert len(set(profile.tones)) == len(profile.tones)
        assert all(0 <= level <= 3 for level in profile.intensity)
        assert profile.source == "team"


def test_a_bad_profile_line_is_refused_with_its_place(tmp_path: Path):
    table = tmp_path / "tones.csv"
    table.write_text(
        "# comment\nid,title,year,imdb_id,tones,ending,intensity,notes,confidence\n"
        "Q1,A Film,2000,,funny hilarious,uplifting,000,,high\n"
    )
    with pytest.raises(ValueError, match=r"line 2 .*hilarious"):
        read_profiles(table)


def test_the_table_covers_the_most_reviewed_films(catalog):
    book = ToneBook.bundled()
    top = sorted(catalog.movies, key=lambda m: (-m.votes, m.id))[:3000]
    covered = sum(book.profile(m, read_text=False) is not None for m in top)
    # Films the labellers did not know well are left out rather than guessed.
    assert covered / len(top) >= 0.9


def test_every_film_the_first_five_pages_can_show_has_a_profile(app):
    from emotionpix.wiring import recommender

    with app.app_context():
        service = recommender(app)
        for mode in MODES:
            for emotion in service.mapping:
                pool, _ = service._pool(mode, emotion)
                shown = [item["movie"] for item in pool[:FIRST_FIVE]]
                unprofiled = [m["title"] for m in shown if not m["tones"]]
                assert not unprofiled, (mode, emotion, unprofiled)


def _rules():
    return build_moods(build_mapping())


def _film(**fields) -> Movie:
    base = Movie(id="x", title="A Film", genres=("Comedy",), rating=8.0, votes=100)
    return replace(base, **fields)


def test_a_tone_the_rule_never_takes_rules_the_film_out():
    fit = MoodFit(_rules().rules("lift"), _rules().settings)
    bright = _film(tones=("funny", "feel-good"), ending="uplifting", intensity=Intensity(0, 0, 1))
    tragic = replace(bright, ending="tragic")
    assert fit.fit(bright, "sad") > 0.5
    assert fit.fit(tragic, "sad") == 0.0


def test_more_violence_than_the_rule_allows_rules_the_film_out():
    fit = MoodFit(_rules().rules("match"), _rules().settings)
    gentle = _film(genres=("Drama",), tones=("moving", "bittersweet"), intensity=Intensity(1, 0, 2))
    brutal = replace(gentle, intensity=Intensity(3, 1, 2))
    assert fit.fit(gentle, "sad") > 0.5
    assert fit.fit(brutal, "sad") == 0.0


def test_a_film_needs_one_of_the_tones_that_make_the_mood():
    fit = MoodFit(_rules().rules("match"), _rules().settings)
    thriller = _film(genres=("Horror",), tones=("tense", "mind-bending", "dark"))
    horror = replace(thriller, tones=("scary", "tense", "dark"))
    assert fit.fit(thriller, "fear") == 0.0
    assert fit.fit(horror, "fear") > 0.5


def test_tones_decide_more_than_genres():
    """Two films with the same genres: the one that feels like the mood fits it better."""
    fit = MoodFit(_rules().rules("match"), _rules().settings)
    harrowing = _film(genres=("Drama", "History"), tones=("absorbing", "harrowing"))
    absorbing = _film(genres=("Drama", "History"), tones=("absorbing", "thought-provoking"))
    assert fit.fit(harrowing, "neutral") == 0.0
    assert fit.fit(absorbing, "neutral") > 0.85


def test_a_reason_names_only_tones_the_film_has():
    rules = _rules().rules("match")
    film = _film(genres=("Comedy", "Romance"), tones=("funny", "quirky"))
    text = describe(film, rules["happy"], "critics")
    assert text.startswith("A quirky comedy")  # funny is what "comedy" says; not "romantic"
    unprofiled = replace(film, tones=())
    assert describe(unprofiled, rules["happy"], "critics").startswith("A romantic comedy,")


FEELING_WORDS = set(TONES) | {
    # the rules' old features: words of feeling a reason must not claim without a profile
    *("light-hearted", "moving", "high-energy", "thrilling", "thoughtful", "chilling"),
    *("gripping", "joyful", "uplifting", "cathartic", "enchanting", "spirited", "comforting"),
    "tender",
}


def test_no_reason_in_the_first_three_pages_contradicts_its_film(app):
    """Over every mood, mode and 20 seeds: each feeling word in a reason is one of its film's
    tones, and a film without a profile gets no feeling word at all."""
    from emotionpix.wiring import recommender

    words = re.compile(r"[a-z-]+")
    with app.app_context():
        service = recommender(app)
        for mode in MODES:
            for emotion in service.mapping:
                for seed in range(1, 21):
                    for page in (1, 2, 3):
                        picks = service.recommend(emotion, page=page, seed=seed, mode=mode).picks
                        for pick in picks:
                            film = pick.movie
                            head = re.split(r", \d", pick.reason.split(" — ")[0])[0]
                            said = set(words.findall(head.casefold())) & FEELING_WORDS
                            # without a profile a genre may speak: Romance is "romantic"
                            allowed = set(film.tones) or (
                                {"romantic"} if "Romance" in film.genres else set()
                            )
                            assert said <= allowed, (film.title, pick.reason)


def test_the_book_finds_a_profile_by_imdb_id_or_title_and_year_for_other_providers():
    profile = ToneProfile(("funny", "heartwarming"), "uplifting", (0, 0, 1))
    book = ToneBook({"Q1": profile}, {"Q1": ("Paddington", 2014, "tt1109624")})
    assert book.profile(Movie(id="tmdb:116149", title="Paddington", year=2014)) is profile
    assert book.profile(Movie(id="t", title="Other", imdb_id="tt1109624")) is profile
    assert book.profile(Movie(id="t", title="Paddington", year=2017)) is None
    stamped = book.stamp(Movie(id="tmdb:116149", title="paddington", year=2014))
    assert stamped.tones == ("funny", "heartwarming")
    assert stamped.tones_from == "team"
    assert stamped.to_dict()["intensity"] == {"violence": 0, "fear": 0, "sadness": 1}


def test_a_providers_keywords_become_tones_and_generated_text_does_not():
    book = ToneBook.bundled()
    film = Movie(
        id="tmdb:1",
        title="Unknown New Film",
        year=2025,
        keywords=("serial killer", "police investigation"),
        overview="A detective hunts a serial killer through a rainy city.",
    )
    stamped = book.stamp(film)
    assert stamped.tones_from == "keywords"
    assert {"dark", "tense"} <= set(stamped.tones)
    assert stamped.ending is None
    assert stamped.intensity is None
    assert book.stamp(film, read_text=False).tones == ()


def test_the_strongest_violence_becomes_a_content_note():
    profile = ToneProfile(("violent", "exciting"), "uplifting", (3, 1, 0), ("torture",))
    book = ToneBook({"Q1": profile}, {"Q1": ("Fury Road", 2015, None)})
    stamped = book.stamp(Movie(id="Q1", title="Fury Road", year=2015))
    assert stamped.content_notes == ("violence", "torture")

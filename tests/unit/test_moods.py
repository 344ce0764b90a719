"""The mood rules as data: defaults for both modes, overrides, validation."""

from dataclasses import replace

import pytest

from emotionpix.core.emotions import EMOTIONS
from emotionpix.core.filters import Filters
from emotionpix.providers.catalog import BUNDLED_CATALOG, load_catalog
from emotionpix.recommend.fit import MoodFit
from emotionpix.recommend.mapping import DEFAULT_GENRES, build_mapping
from emotionpix.recommend.moods import MODES, build_moods

MOODS = build_moods(build_mapping())


@pytest.mark.parametrize("mode", MODES)
def test_every_emotion_has_a_rule_in_both_modes(mode):
    assert set(MOODS.rules(mode)) == set(EMOTIONS)


def test_match_rules_use_the_emotion_genre_table():
    assert {e: rule.genre for e, rule in MOODS.match.items()} == DEFAULT_GENRES
    moods = build_moods(build_mapping({"disgust": "Documentary"}))
    assert moods.match["disgust"].genre == "Documentary"


def test_sad_and_neutral_share_the_papers_genre_but_not_their_features():
    sad, neutral = MOODS.match["sad"], MOODS.match["neutral"]
    assert sad.genre == neutral.genre == "Drama"
    assert sad.support != neutral.support
    assert sad.feature != neutral.feature


def test_lift_rules_move_the_low_moods_to_lighter_genres():
    lift = {e: rule.genre for e, rule in MOODS.lift.items()}
    assert (lift["sad"], lift["fear"], lift["disgust"]) == ("Comedy", "Family", "Romance")
    assert MOODS.lift["sad"].support["Drama"] > 0  # an uplifting comedy-drama
    assert MOODS.lift["fear"].conflict["Horror"] > MOODS.match["happy"].conflict["Horror"]


def test_overrides_merge_weights_replace_text_and_settings():
    moods = build_moods(
        build_mapping(),
        {
            "threshold": 0.4,
            "match": {"Happiness": {"feature": "joyful", "support": {"Family": 0, "War": 0.5}}},
            "lift": {"sad": {"genre": "Musical"}},
        },
    )
    happy = moods.match["happy"]
    assert happy.feature == "joyful"
    assert "Family" not in happy.support
    assert happy.support["War"] == 0.5
    assert happy.support["Animation"] == MOODS.match["happy"].support["Animation"]
    assert moods.lift["sad"].genre == "Musical"
    assert moods.settings.threshold == 0.4
    assert moods.key() != MOODS.key()


def test_cue_words_are_kept_in_the_form_text_is_matched_in():
    moods = build_moods(build_mapping(), {"match": {"happy": {"cues": {"Feel-Good!": 1}}}})
    assert moods.match["happy"].cues["feel good"] == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"treshold": 0.5}, "unknown keys"),
        ({"match": {"bored": {"feature": "x"}}}, "unknown emotion"),
        ({"match": {"happy": {"genre": "Drama"}}}, "EMOTIONPIX_EMOTION_GENRES"),
        ({"match": ["happy"]}, "must be an object"),
        ({"match": {"happy": {"mood": "x"}}}, "must be an object with some of"),
        ({"lift": {"sad": {"genre": " "}}}, "non-empty"),
        ({"match": {"happy": {"support": {"Family": -1}}}}, ">= 0"),
        ({"match": {"happy": {"conflict": {"War": "a lot"}}}}, "must be a number"),
        ({"match": {"happy": {"support": ["Family"]}}}, "name -> weight"),
        ({"match": {"happy": {"cues": {"Sci-Fi": 1}}}}, "genre name"),
        ({"threshold": 1.5}, "between 0 and 1"),
        ({"weight": -1}, ">= 0"),
        ({"variety": True}, ">= 0"),
    ],
)
def test_bad_overrides_are_refused_with_a_reason(overrides, message):
    with pytest.raises(ValueError, match=message):
        build_moods(build_mapping(), overrides)


def test_no_cue_word_matches_the_catalogs_generated_overviews():
    """The catalog has no plots: its overviews are written from genres, countries, director
    and languages, so a cue found there would count the same fact twice."""
    films = [m for m in load_catalog(BUNDLED_CATALOG) if Filters(min_votes=10).matches(m)]
    for mode in MODES:
        score = MoodFit(MOODS.rules(mode), MOODS.settings)
        for emotion in EMOTIONS:
            changed = [
                m.title
                for m in films
                if score.fit(m, emotion) != score.fit(replace(m, overview=None), emotion)
            ]
            assert changed == [], f"{mode} {emotion}: {changed[:5]}"

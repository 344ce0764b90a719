import pytest

from emotionpix.core.emotions import EMOTIONS, UnknownEmotion, normalise_emotion
from emotionpix.recommend.mapping import DEFAULT_GENRES, build_mapping


def test_paper_table_is_the_default():
    assert DEFAULT_GENRES == {
        "happy": "Comedy",
        "sad": "Drama",
        "angry": "Action",
        "surprise": "Adventure",
        "neutral": "Drama",
        "fear": "Horror",
        "disgust": "Thriller",
    }


def test_every_model_label_has_a_genre():
    assert set(EMOTIONS) == set(DEFAULT_GENRES)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("happy", "happy"),
        (" Happy ", "happy"),
        ("HAPPINESS", "happy"),
        ("anger", "angry"),
        ("surprised", "surprise"),
        ("scared", "fear"),
    ],
)
def test_labels_and_aliases_normalise(label, expected):
    assert normalise_emotion(label) == expected


@pytest.mark.parametrize("label", ["bored", "", "happy!", "contempt"])
def test_unknown_labels_are_rejected(label):
    with pytest.raises(UnknownEmotion):
        normalise_emotion(label)


def test_configuration_overrides_the_table():
    mapping = build_mapping({"Disgust": "Documentary", "happiness": "Animation"})
    assert mapping["disgust"] == "Documentary"
    assert mapping["happy"] == "Animation"
    assert mapping["sad"] == "Drama"


@pytest.mark.parametrize("overrides", [{"bored": "Comedy"}, {"happy": ""}, {"happy": 3}])
def test_bad_overrides_fail(overrides):
    with pytest.raises(ValueError, match=r".+"):
        build_mapping(overrides)

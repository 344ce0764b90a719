"""Why this film: a short reason built from the film's data and the mood it was picked for,
such as "A light-hearted romantic comedy, 8.6/10 from 210 critics — picked for your happy
mood". Every word goes through the catalogue (``core.i18n``), so the reason reads in the
viewer's language: it is built when it is shown, never cached."""

from __future__ import annotations

from emotionpix.core.i18n import N_, NP_, emotion_name, gettext, number, pgettext
from emotionpix.core.movies import Movie
from emotionpix.recommend.moods import MoodRule

# How a genre reads as the head of the phrase ("a gripping thriller"); genres without an
# entry read as their own name.
NOUNS: dict[str, str] = {
    "action": N_("action film"),
    "adventure": N_("adventure"),
    "animation": N_("animated film"),
    "biography": N_("biography"),
    "comedy": N_("comedy"),
    "crime": N_("crime film"),
    "documentary": N_("documentary"),
    "drama": N_("drama"),
    "family": N_("family film"),
    "fantasy": N_("fantasy film"),
    "history": N_("history film"),
    "horror": N_("horror film"),
    "music": N_("music film"),
    "musical": N_("musical"),
    "mystery": N_("mystery"),
    "romance": N_("romance"),
    "sci-fi": N_("science-fiction film"),
    "science fiction": N_("science-fiction film"),
    "sport": N_("sports film"),
    "thriller": N_("thriller"),
    "war": N_("war film"),
    "western": N_("western"),
}
# ... and before it ("a moving *romantic* drama"). Genres without an entry name no qualifier.
QUALIFIERS: dict[str, str] = {
    "animation": N_("animated"),
    "biography": N_("biographical"),
    "crime": N_("crime"),
    "family": N_("family"),
    "fantasy": N_("fantasy"),
    "history": N_("historical"),
    "music": N_("music"),
    "musical": N_("musical"),
    "mystery": N_("mystery"),
    "romance": N_("romantic"),
    "sci-fi": N_("science-fiction"),
    "science fiction": N_("science-fiction"),
    "sport": N_("sports"),
    "western": N_("western"),
}
# Pairs English names as one word.
COMPOUNDS: dict[tuple[str, str], str] = {
    ("comedy", "drama"): N_("comedy-drama"),
    ("action", "comedy"): N_("action comedy"),
    ("romance", "comedy"): N_("romantic comedy"),
}
# "the surprise in your mood": the noun of each emotion (a feeling, not a mood's name).
FEELING = "feeling"
EMOTION_NOUNS: dict[str, str] = {
    "happy": NP_("feeling", "happiness"),
    "sad": NP_("feeling", "sadness"),
    "angry": NP_("feeling", "anger"),
    "surprise": NP_("feeling", "surprise"),
    "neutral": NP_("feeling", "calm"),
    "fear": NP_("feeling", "fear"),
    "disgust": NP_("feeling", "disgust"),
}
# The features of the bundled moods (moods.json), for the catalogue; a configured feature
# without a translation reads as written.
FEATURES = (
    N_("light-hearted"),
    N_("moving"),
    N_("high-energy"),
    N_("thrilling"),
    N_("thoughtful"),
    N_("chilling"),
    N_("gripping"),
    N_("joyful"),
    N_("uplifting"),
    N_("cathartic"),
    N_("enchanting"),
    N_("spirited"),
    N_("comforting"),
    N_("tender"),
)


def _kind(movie: Movie, rule: MoodRule) -> str:
    """What the film is, in English words (msgids): "romantic comedy", "animated film"."""
    genre = rule.genre.casefold()
    support = {g.casefold(): w for g, w in rule.support.items()}
    carried = sorted(
        (g.casefold() for g in movie.genres if g.casefold() in support),
        key=lambda g: -support[g],
    )
    kind = gettext(NOUNS[genre]) if genre in NOUNS else genre
    for other in carried:
        if (genre, other) in COMPOUNDS or (other, genre) in COMPOUNDS:
            return gettext(COMPOUNDS.get((genre, other)) or COMPOUNDS[(other, genre)])
        if other in QUALIFIERS and QUALIFIERS[other] not in NOUNS.get(
            genre, genre
        ):  # not "music musical"
            return gettext(
                "%(qualifier)s %(kind)s", qualifier=gettext(QUALIFIERS[other]), kind=kind
            )
    return kind


def describe(movie: Movie, rule: MoodRule, votes_unit: str) -> str:
    """ "A light-hearted romantic comedy, 8.6/10 from 210 critics": the mood's feature, the
    film's strongest supporting genre and the rule's genre, then its rating."""
    feature = gettext(rule.feature)
    # English needs "an" before a vowel; other languages translate both alike.
    if rule.feature[:1] in "aeiou":
        text = gettext("An %(feature)s %(kind)s", feature=feature, kind=_kind(movie, rule))
    else:
        text = gettext("A %(feature)s %(kind)s", feature=feature, kind=_kind(movie, rule))
    if movie.rating is None:
        return text
    rating = f"{movie.rating:.1f}"
    if movie.votes:
        return gettext(
            "%(text)s, %(rating)s/10 from %(votes)s %(unit)s",
            text=text,
            rating=rating,
            votes=number(movie.votes),
            unit=gettext(votes_unit),
        )
    return gettext("%(text)s, %(rating)s/10", text=text, rating=rating)


def why(emotion: str, mode: str, runner_up: bool = False) -> str:
    """The end of a reason: which mood the film was picked for, and how."""
    if runner_up:
        noun = pgettext(FEELING, EMOTION_NOUNS[emotion])
        if mode == "lift":
            return gettext("picked to lift the %(noun)s in your mood too", noun=noun)
        return gettext("picked for the %(noun)s in your mood too", noun=noun)
    mood = emotion_name(emotion)
    if mode == "lift":
        return gettext("picked to lift your %(mood)s mood", mood=mood)
    return gettext("picked for your %(mood)s mood", mood=mood)


def reason(movie: Movie, rule: MoodRule, votes_unit: str, why_text: str) -> str:
    """The whole reason: the description, then why."""
    return gettext(
        "%(description)s — %(why)s", description=describe(movie, rule, votes_unit), why=why_text
    )

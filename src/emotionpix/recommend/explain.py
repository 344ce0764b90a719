"""Why this film: a short reason built from the film's data and the mood it was picked for,
such as "A funny, heartwarming romantic comedy, 8.6/10 from 210 critics — picked for your
happy mood". Every word goes through the catalogue (``core.i18n``), so the reason reads in the
viewer's language: it is built when it is shown, never cached.

A reason states only what the film has: the tones it quotes are the film's own (those of its
profile the mood's rule wants, in the profile's order), and a genre word that speaks of feeling
("romantic", "family") appears only when the profile agrees. A film without a profile is
described by its genres alone."""

from __future__ import annotations

from emotionpix.core.i18n import N_, NP_, emotion_name, gettext, number, pgettext
from emotionpix.core.movies import Movie
from emotionpix.core.tones import tone_name
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
    "film": N_("film"),
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
# Genres that make a claim about feeling, and the tone a profiled film needs to make it.
CLAIMS: dict[str, str] = {"romance": "romantic", "family": "family-friendly"}
QUOTED_TONES = 2  # the most tones a reason names
# Tones a genre word already says ("a romantic romance"): not quoted beside it.
SAME_WORDS: dict[str, tuple[str, ...]] = {
    "romantic": ("romance", "romantic"),
    "family-friendly": ("family",),
    "funny": ("comedy", "comedy-drama"),
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


def _kind(movie: Movie, rule: MoodRule) -> tuple[str, str]:
    """What the film is: (in English words, in the viewer's) — "romantic comedy"."""
    genre = rule.genre.casefold()
    support = {g.casefold(): w for g, w in rule.support.items()}

    def claims(name: str) -> bool:  # a genre word about feeling the profile does not back
        return bool(movie.tones) and name in CLAIMS and CLAIMS[name] not in movie.tones

    carried = sorted(
        (
            g.casefold()
            for g in movie.genres
            if g.casefold() in support and not claims(g.casefold())
        ),
        key=lambda g: -support[g],
    )
    if claims(genre):  # "a romance" that does not feel romantic: named by another genre
        genre = carried.pop(0) if carried else "film"
    english = NOUNS.get(genre, genre)
    kind = gettext(NOUNS[genre]) if genre in NOUNS else genre
    for other in carried:
        if (genre, other) in COMPOUNDS or (other, genre) in COMPOUNDS:
            compound = COMPOUNDS.get((genre, other)) or COMPOUNDS[(other, genre)]
            return compound, gettext(compound)
        if other in QUALIFIERS and QUALIFIERS[other] not in english:  # not "music musical"
            qualifier = QUALIFIERS[other]
            return f"{qualifier} {english}", gettext(
                "%(qualifier)s %(kind)s", qualifier=gettext(qualifier), kind=kind
            )
    return english, kind


def describe(movie: Movie, rule: MoodRule, votes_unit: str) -> str:
    """ "A funny, heartwarming romantic comedy, 8.6/10 from 210 critics": up to two of the
    film's tones the mood wants, the film's strongest supporting genre and the rule's genre,
    then its rating."""
    english, kind = _kind(movie, rule)
    said = set(english.split())
    quoted = [
        tone
        for tone in movie.tones
        if tone in rule.want and not said & {tone, *SAME_WORDS.get(tone, ())}
    ][:QUOTED_TONES]
    # English needs "an" before a vowel; other languages translate both alike.
    vowel = (quoted[0] if quoted else english)[:1] in "aeiou"
    feature = ", ".join(tone_name(tone) for tone in quoted)
    if quoted and vowel:
        text = gettext("An %(feature)s %(kind)s", feature=feature, kind=kind)
    elif quoted:
        text = gettext("A %(feature)s %(kind)s", feature=feature, kind=kind)
    elif vowel:
        text = gettext("An %(kind)s", kind=kind)
    else:
        text = gettext("A %(kind)s", kind=kind)
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


def reason(
    movie: Movie, rule: MoodRule, votes_unit: str, why_text: str, liked: str | None = None
) -> str:
    """The whole reason: the description (naming the liked film it resembles, where the
    viewer's taste found one), then why."""
    description = describe(movie, rule, votes_unit)
    if liked:
        description = gettext(
            "%(description)s, like %(title)s, which you liked", description=description, title=liked
        )
    return gettext("%(description)s — %(why)s", description=description, why=why_text)

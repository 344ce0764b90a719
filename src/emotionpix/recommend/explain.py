"""Why this film: a short reason built from the film's data and the mood it was picked for,
such as "A funny, heartwarming romantic comedy, 8.6/10 from 210 critics — picked for your
happy mood".

A reason states only what the film has: the tones it quotes are the film's own (those of its
profile the mood's rule wants, in the profile's order), and a genre word that speaks of feeling
("romantic", "family") appears only when the profile agrees. A film without a profile is
described by its genres alone."""

from __future__ import annotations

from emotionpix.core.movies import Movie
from emotionpix.recommend.moods import MoodRule

# How a genre reads as the head of the phrase ("a gripping thriller") ...
NOUNS: dict[str, str] = {
    "action": "action film",
    "animation": "animated film",
    "family": "family film",
    "fantasy": "fantasy film",
    "horror": "horror film",
    "sci-fi": "science-fiction film",
    "science fiction": "science-fiction film",
}
# ... and before it ("a moving *romantic* drama"). Genres without an entry name no qualifier.
QUALIFIERS: dict[str, str] = {
    "animation": "animated",
    "biography": "biographical",
    "crime": "crime",
    "family": "family",
    "fantasy": "fantasy",
    "history": "historical",
    "music": "music",
    "musical": "musical",
    "mystery": "mystery",
    "romance": "romantic",
    "sci-fi": "science-fiction",
    "science fiction": "science-fiction",
    "sport": "sports",
    "western": "western",
}
# Pairs English names as one word.
COMPOUNDS: dict[tuple[str, str], str] = {
    ("comedy", "drama"): "comedy-drama",
    ("action", "comedy"): "action comedy",
    ("romance", "comedy"): "romantic comedy",
}
# "the surprise in your mood": the noun of each emotion.
EMOTION_NOUNS: dict[str, str] = {
    "happy": "happiness",
    "sad": "sadness",
    "angry": "anger",
    "surprise": "surprise",
    "neutral": "calm",
    "fear": "fear",
    "disgust": "disgust",
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


def describe(movie: Movie, rule: MoodRule, votes_unit: str) -> str:
    """ "A funny, heartwarming romantic comedy, 8.6/10 from 210 critics": up to two of the
    film's tones the mood wants, the film's strongest supporting genre and the rule's genre,
    then its rating."""
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
    kind = NOUNS.get(genre, genre)
    for other in carried:
        if (genre, other) in COMPOUNDS or (other, genre) in COMPOUNDS:
            kind = COMPOUNDS.get((genre, other)) or COMPOUNDS[(other, genre)]
            break
        if other in QUALIFIERS and QUALIFIERS[other] not in kind:  # not "music musical"
            kind = f"{QUALIFIERS[other]} {kind}"
            break
    said = set(kind.split())
    quoted = [
        tone
        for tone in movie.tones
        if tone in rule.want and not said & {tone, *SAME_WORDS.get(tone, ())}
    ][:QUOTED_TONES]
    phrase = f"{', '.join(quoted)} {kind}" if quoted else kind
    text = f"{'An' if phrase[0] in 'aeiou' else 'A'} {phrase}"
    if movie.rating is not None:
        text += f", {movie.rating:.1f}/10"
        if movie.votes:
            text += f" from {movie.votes:,} {votes_unit}"
    return text


def why(emotion: str, mode: str, runner_up: bool = False) -> str:
    """The end of a reason: which mood the film was picked for, and how."""
    mood = f"the {EMOTION_NOUNS[emotion]} in your mood too" if runner_up else f"your {emotion} mood"
    return f"picked {'to lift' if mode == 'lift' else 'for'} {mood}"

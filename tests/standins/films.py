"""The films the stand-in APIs serve: a few real ones with full details (what the tests look
up by name) and generated ones so that every mapped genre has pages of qualifying films, plus
some that each filter must drop. Neutral fields; each stand-in renders its own API's shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Film:
    tmdb_id: int
    imdb_id: str
    title: str
    year: int
    genres: tuple[str, ...]
    rating: float
    votes: int
    language: str  # ISO 639-1 original language
    countries: tuple[str, ...]  # ISO 3166-1
    overview: str = ""
    runtime: int = 120
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()  # billing order
    trailer: str | None = None  # YouTube key
    spoken: tuple[str, ...] = field(default=())
    original_title: str | None = None
    keywords: tuple[str, ...] = ()

    @property
    def poster_path(self) -> str:
        return f"/poster{self.tmdb_id}.png"

    @property
    def backdrop_path(self) -> str:
        return f"/backdrop{self.tmdb_id}.png"


REAL = [
    Film(
        27205,
        "tt1375666",
        "Inception",
        2010,
        ("Action", "Science Fiction", "Adventure"),
        8.4,
        37000,
        "en",
        ("US", "GB"),
        "Cobb steals secrets from deep within the subconscious during the dream state.",
        148,
        ("Christopher Nolan",),
        ("Leonardo DiCaprio", "Joseph Gordon-Levitt", "Elliot Page", "Tom Hardy"),
        "YoHD9XEInc0",
        ("en", "ja", "fr"),
        keywords=("dream", "heist", "subconscious"),
    ),
    Film(
        8392,
        "tt0073707",
        "Sholay",
        1975,
        ("Action", "Adventure", "Drama"),
        8.1,
        1400,
        "hi",
        ("IN",),
        "A retired police officer hires two outlaws to capture a ruthless dacoit.",
        204,
        ("Ramesh Sippy",),
        ("Dharmendra", "Amitabh Bachchan", "Sanjeev Kumar", "Hema Malini"),
        "sholayTrailer",
        ("hi",),
    ),
    Film(
        360814,
        "tt5074352",
        "Dangal",
        2016,
        ("Drama", "Action"),
        8.0,
        1900,
        "hi",
        ("IN",),
        "A former wrestler trains his daughters to become world-class wrestlers.",
        161,
        ("Nitesh Tiwari",),
        ("Aamir Khan", "Fatima Sana Shaikh", "Sanya Malhotra"),
        "x_7YlGv9u1g",
        ("hi",),
    ),
    Film(
        579974,
        "tt8178634",
        "RRR",
        2022,
        ("Action", "Drama"),
        7.8,
        2100,
        "te",
        ("IN",),
        "Two revolutionaries fight the British Raj in 1920s India.",
        187,
        ("S. S. Rajamouli",),
        ("N. T. Rama Rao Jr.", "Ram Charan"),
        "NgBoMJy386M",
        ("te", "hi", "en"),
    ),
    Film(
        872585,
        "tt15398776",
        "Oppenheimer",
        2023,
        ("Drama", "History"),
        8.1,
        9000,
        "en",
        ("US", "GB"),
        "The story of J. Robert Oppenheimer and the atomic bomb.",
        181,
        ("Christopher Nolan",),
        ("Cillian Murphy", "Emily Blunt", "Matt Damon"),
        "uYPbbksJxIg",
        ("en",),
    ),
    Film(
        20453,
        "tt1187043",
        "3 Idiots",
        2009,
        ("Comedy", "Drama"),
        8.0,
        2600,
        "hi",
        ("IN",),
        "Two friends look for a long-lost companion who inspired them to think differently.",
        170,
        ("Rajkumar Hirani",),
        ("Aamir Khan", "R. Madhavan", "Sharman Joshi", "Kareena Kapoor"),
        "K0eDlFX9GMc",
        ("hi",),
    ),
    Film(
        496243,
        "tt6751668",
        "Parasite",
        2019,
        ("Comedy", "Thriller", "Drama"),
        8.5,
        19000,
        "ko",
        ("KR",),
        "A poor family schemes to become employed by a wealthy family.",
        133,
        ("Bong Joon-ho",),
        ("Song Kang-ho", "Lee Sun-kyun", "Cho Yeo-jeong"),
        "5xH0HfJHsaY",
        ("ko",),
        "기생충",
    ),
]

GENRES = ("Comedy", "Drama", "Action", "Adventure", "Horror", "Thriller")
# The lift rules' genres (TMDB's names) have pages of films too.
LIFT_GENRES = ("Music", "Fantasy", "Family", "Romance")


def _generated() -> list[Film]:
    films: list[Film] = []
    for g, genre in enumerate(GENRES + LIFT_GENRES):
        for i in range(110):
            hindi = i % 4 == 3
            films.append(
                Film(
                    tmdb_id=100_000 + g * 1000 + i,
                    imdb_id=f"tt9{g:02d}{i:04d}",
                    title=f"{genre} Story {i}",
                    year=1975 + (i * 7) % 50,
                    genres=(genre,)
                    if i % 3 or genre in LIFT_GENRES
                    else (genre, GENRES[(g + 1) % len(GENRES)]),
                    keywords=("feel good", "friendship") if genre in LIFT_GENRES else (),
                    rating=round(7.0 + (i % 25) / 10, 1),
                    votes=1000 + ((i * 7919) % 40_000),
                    language="hi" if hindi else "en",
                    countries=("IN",) if hindi else ("US",),
                    overview=f"Generated {genre.lower()} film number {i}.",
                    directors=(f"Director {g}-{i}",),
                    cast=(f"Lead {g}-{i}", f"Second {g}-{i}"),
                    trailer=f"trailer{g}x{i}" if i % 2 else None,
                )
            )
        # one that each filter must drop
        base = 100_000 + g * 1000 + 900
        films += [
            Film(
                base,
                f"tt8{g:02d}0001",
                f"{genre} Low Rated",
                2001,
                (genre,),
                6.4,
                9000,
                "en",
                ("US",),
            ),
            Film(
                base + 1,
                f"tt8{g:02d}0002",
                f"{genre} Few Votes",
                2002,
                (genre,),
                8.9,
                300,
                "en",
                ("US",),
            ),
            Film(
                base + 2,
                f"tt8{g:02d}0003",
                f"{genre} Too Old",
                1962,
                (genre,),
                8.2,
                9000,
                "en",
                ("US",),
            ),
            Film(
                base + 3,
                f"tt8{g:02d}0004",
                f"{genre} In French",
                2004,
                (genre,),
                8.2,
                9000,
                "fr",
                ("FR",),
            ),
        ]
    return films


FILMS: list[Film] = REAL + _generated()
BY_TMDB = {film.tmdb_id: film for film in FILMS}
BY_IMDB = {film.imdb_id: film for film in FILMS}

"""The catalogue: every message the code, the templates and the page's scripts show is in it,
and every language has a complete, well-formed translation of it, compiled as shipped.
Adding a string without its translation fails here (README, "Adding a language")."""

from __future__ import annotations

import gzip
import json
import re
from configparser import ConfigParser
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import emotionpix
from emotionpix.core.i18n import GENRE_NAMES
from emotionpix.recommend.explain import FEATURES

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(emotionpix.__file__).resolve().parent
TRANSLATIONS = PACKAGE / "translations"
LANGUAGES = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir())
# The keywords README's extract command passes (t/tn: the scripts; N_/NP_: marked for later).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "t": None,
    "tn": (1, 2),
    "N_": None,
    "NP_": ((1, "c"), 2),
}


def key(message_id: str | tuple[str, ...], context: str | None) -> tuple[str | None, str]:
    return context, message_id if isinstance(message_id, str) else message_id[0]


def extracted() -> set[tuple[str | None, str]]:
    """Every message the source marks, found as ``pybabel extract -F babel.cfg`` finds it."""
    config = ConfigParser()
    config.read(ROOT / "babel.cfg")
    method_map = []
    for section in config.sections():
        method, pattern = (part.strip() for part in section.split(":", 1))
        method_map.append((pattern, method))
    found = extract_from_dir(ROOT, method_map, keywords=KEYWORDS)
    return {key(message, context) for _file, _line, message, _comments, context in found}


def catalog(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po)


def test_there_is_a_language_besides_english():
    assert "hi" in LANGUAGES


def test_the_template_lists_every_marked_message():
    with (TRANSLATIONS / "messages.pot").open("rb") as pot:
        template = {key(m.id, m.context) for m in read_po(pot) if m.id}
    assert extracted() - template == set(), "run the extract command in README"
    assert template - extracted() == set(), "the template lists messages no longer in the code"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_has_a_translation(language):
    translated = {key(m.id, m.context) for m in catalog(language) if m.id and m.string}
    complete = {
        key(m.id, m.context)
        for m in catalog(language)
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    missing = extracted() - translated
    assert missing == set(), f"{len(missing)} messages without a {language} translation"
    assert translated == complete, "a plural form is missing"
    assert not any(m.fuzzy for m in catalog(language) if m.id)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    problems = []
    for message in catalog(language):
        if not message.id:
            continue
        try:
            python_format(catalog(language), message)
        except Exception as exc:  # TranslationError, with what is wrong
            problems.append(f"{message.id!r}: {exc}")
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for placeholder in {p for text in ids for p in _placeholders(text)}:
            if not all(placeholder in text for text in strings):
                problems.append(f"{message.id!r} loses {placeholder}")
    assert problems == []


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def _flat(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_source_one(language):
    """The shipped .mo (pip installs need nothing but Python) says what the .po says."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as mo:
        compiled = {(m.context, _flat(m.id)): _flat(m.string) for m in read_mo(mo) if m.id}
    source = {(m.context, _flat(m.id)): _flat(m.string) for m in catalog(language) if m.id}
    assert compiled == source, "run: pybabel compile -d src/emotionpix/translations"


def test_every_feature_of_the_bundled_moods_is_marked():
    moods = json.loads((PACKAGE / "recommend" / "moods.json").read_text())
    features = {rule["feature"] for mode in ("match", "lift") for rule in moods[mode].values()}
    assert features <= set(FEATURES)


def test_every_genre_of_the_catalog_is_marked():
    with gzip.open(PACKAGE / "providers" / "data" / "catalog.json.gz") as data:
        table = json.load(data)
    column = table["columns"].index("genres")
    genres = {genre for row in table["rows"] for genre in row[column]}
    assert genres <= set(GENRE_NAMES)

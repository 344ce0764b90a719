"""The page's language and theme: Flask-Babel with the catalogues in ``translations/``, the
locale from a remembered choice (cookie) or the browser's ``Accept-Language``, the JS
strings of the same catalogue handed to the page, and the light/dark theme choice.

A language is any folder in ``translations/`` with a compiled catalogue, plus English (the
source text); README's "Adding a language" says how to add one.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.extract import extract
from flask import Blueprint, Flask, Response, has_request_context, redirect, request
from flask_babel import Babel, format_decimal, get_locale, get_translations
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from emotionpix.core import i18n, tones

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
SCRIPTS = Path(__file__).resolve().parent / "static" / "js"
SOURCE_LANGUAGE = "en"
LANGUAGE_COOKIE = "emotionpix_lang"
THEME_COOKIE = "emotionpix_theme"
THEMES = ("light", "dark")  # anything else: the system's (prefers-color-scheme)
YEAR = 365 * 24 * 3600
# The JavaScript's translatable calls: t("text", {params}), tn("one", "other", n, {params}).
JS_KEYWORDS = {"t": None, "tn": (1, 2)}

# English names the providers use for a language where Babel's English name differs.
LANGUAGE_ALIASES = {"Bengali": "bn"}

bp = Blueprint("i18n", __name__)


@cache
def languages() -> dict[str, str]:
    """Each language the page speaks, by code, named in itself ("hi": "हिन्दी")."""
    codes = {SOURCE_LANGUAGE} | {
        path.parents[1].name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.mo")
    }
    return {code: Locale.parse(code).get_display_name(code) or code for code in sorted(codes)}


def choose_locale() -> str:
    """The viewer's choice if they made one, else the best of their browser's languages
    (English outside a request: the command line)."""
    if not has_request_context():
        return SOURCE_LANGUAGE
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in languages():
        return chosen
    return request.accept_languages.best_match(list(languages()), SOURCE_LANGUAGE)


def locale_code() -> str:
    return str(get_locale() or SOURCE_LANGUAGE)


def theme() -> str:
    """ "light" or "dark" as the viewer chose, "" to follow the system."""
    chosen = request.cookies.get(THEME_COOKIE, "")
    return chosen if chosen in THEMES else ""


@cache
def script_messages() -> tuple[tuple[str, ...] | str, ...]:
    """The msgids the page's scripts use (found in them as the extractor finds them)."""
    found: dict[tuple[str, ...] | str, None] = {}
    for path in sorted(SCRIPTS.rglob("*.js")):
        with path.open("rb") as source:
            for _line, message, _comments, _context in extract(
                "javascript", source, keywords=JS_KEYWORDS
            ):
                found[message] = None
    return tuple(found)


def script_catalog() -> dict[str, Any]:
    """What the page's scripts say, in the request's language: each singular msgid's text,
    each plural's two forms (one, other), and the emotion and genre names."""
    translations = get_translations()
    messages: dict[str, str | list[str]] = {}
    for message in script_messages():
        if isinstance(message, str):
            messages[message] = translations.ugettext(message)
        else:
            one, other = message[0], message[1]
            messages[one] = [
                translations.ungettext(one, other, 1),
                translations.ungettext(one, other, 2),
            ]
    return {
        "locale": locale_code(),
        "messages": messages,
        "languages": language_names(locale_code()),
        "emotions": {label: i18n.emotion_name(label) for label in i18n.EMOTION_NAMES},
        "genres": {genre: i18n.genre_name(genre) for genre in i18n.GENRE_NAMES},
        "tones": {tone: tones.tone_name(tone) for tone in tones.TONE_WORDS},
        "endings": {ending: tones.ending_name(ending) for ending in tones.ENDING_WORDS},
        "notes": {note: tones.note_name(note) for note in tones.NOTE_WORDS},
    }


# What must not appear raw inside <script>…</script> (as Jinja's tojson escapes them).
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def script_catalog_json() -> Markup:
    """script_catalog() as JSON for a data block in the page: the text as UTF-8 (half the
    bytes of \\u escapes for Devanagari), with nothing that could end the block."""
    text = json.dumps(script_catalog(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.translate(_SCRIPT_UNSAFE))


@cache
def language_names(locale: str) -> dict[str, str]:
    """The films' languages as the page's language names them, by their English names (as
    the providers give them): "English" -> "अंग्रेज़ी". ISO 639-1 and a few common others
    (98 % of the catalog's mentions); none for English."""
    if locale == SOURCE_LANGUAGE:
        return {}
    english, local = Locale(SOURCE_LANGUAGE).languages, Locale.parse(locale).languages
    codes = [str(code) for code in english if len(str(code)) == 2 or code in {"yue", "fil"}]
    names = {str(english[code]): str(local[code]) for code in codes if local.get(code)}
    # The providers' (and the filters') English names where Babel's differ ("Bangla").
    names.update(
        {alias: str(local[code]) for alias, code in LANGUAGE_ALIASES.items() if local.get(code)}
    )
    return names


def _back() -> BaseResponse:
    """Back to the page the choice was made on (only a path of this site)."""
    target = request.form.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return redirect(target, code=303)


@bp.post("/language")
def choose_language() -> BaseResponse:
    """Remember the language asked for (an unknown one: the browser's again)."""
    response = _back()
    code = request.form.get("lang", "")
    if code in languages():
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=YEAR, samesite="Lax")
    else:
        response.delete_cookie(LANGUAGE_COOKIE)
    return response


@bp.post("/theme")
def choose_theme() -> BaseResponse:
    """Remember "light" or "dark"; anything else follows the system again. A script's call
    (Accept: application/json) gets 204, a form's a redirect back."""
    wanted = request.form.get("theme", "")
    response = (
        Response(status=204) if request.accept_mimetypes.best == "application/json" else _back()
    )
    if wanted in THEMES:
        response.set_cookie(THEME_COOKIE, wanted, max_age=YEAR, samesite="Lax")
    else:
        response.delete_cookie(THEME_COOKIE)
    return response


def strong(value: object) -> Markup:
    """``value`` (escaped) in bold, for a name or an address inside a translated sentence:
    ``_("Signed in as %(email)s.", email=user.email|strong)``."""
    return Markup("<strong>%s</strong>") % value


def _page_context() -> dict[str, Any]:
    return {
        "lang": locale_code(),
        "languages": languages(),
        "theme": theme(),
        "script_catalog": script_catalog_json,
        "emotion_name": i18n.emotion_name,
        "genre_name": i18n.genre_name,
        "number": i18n.number,
    }


def _vary(response: Response) -> Response:
    """Pages and API answers differ by language (and theme): no shared cache may mix them."""
    if response.mimetype in {"text/html", "application/json"}:
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel on the app, the domain's text through it, the choices' routes."""
    Babel(app, locale_selector=choose_locale, default_translation_directories=str(TRANSLATIONS))
    i18n.install(
        lambda message: get_translations().ugettext(message),
        lambda one, other, n: get_translations().ungettext(one, other, n),
        lambda value: format_decimal(value) if has_request_context() else f"{value:,}",
        lambda context, message: get_translations().upgettext(context, message),
    )
    i18n.install_language_names(
        lambda name: (
            language_names(locale_code()).get(name, name) if has_request_context() else name
        )
    )
    app.context_processor(_page_context)
    app.add_template_filter(strong, "strong")
    app.after_request(_vary)
    app.register_blueprint(bp)

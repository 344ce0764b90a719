"""Accounts for an app: ``init_app`` builds the backend the configuration names, the mailer,
the personal-data store and the session ledger, and registers the account pages. Guests
need none of it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from flask_babel import format_datetime

from emotionpix.auth import session
from emotionpix.auth.base import AuthBackend
from emotionpix.auth.ledger import LEDGER_KEY, SessionLedger
from emotionpix.auth.local import LocalBackend
from emotionpix.auth.mail import build_mailer
from emotionpix.auth.personal import PersonalData
from emotionpix.auth.session import BACKEND_KEY, PERSONAL_KEY
from emotionpix.config import ConfigError
from emotionpix.core.i18n import emotion_name, gettext
from emotionpix.wiring import database

MAILER_KEY = "emotionpix.auth.mailer"


def build_backend(app: Flask) -> AuthBackend:
    """The account backend the configuration names (``AUTH_BACKEND``)."""
    config = app.config
    if config["AUTH_BACKEND"] == "supabase":
        from emotionpix.auth.supabase import SupabaseBackend

        return SupabaseBackend(
            config["SUPABASE_URL"],
            config["SUPABASE_ANON_KEY"],
            service_role_key=config["SUPABASE_SERVICE_ROLE_KEY"],
        )
    return LocalBackend(
        database(app),
        app.extensions[MAILER_KEY],
        config["SECRET_KEY"],
        hashing=config["PASSWORD_HASHING"],
    )


def init_app(app: Flask) -> None:
    from emotionpix.auth import views

    try:
        app.extensions[MAILER_KEY] = build_mailer(app.config["SMTP_URL"], app.config["MAIL_FROM"])
    except ValueError as exc:
        raise ConfigError(f"EMOTIONPIX_SMTP_URL: {exc}") from None
    app.extensions[BACKEND_KEY] = build_backend(app)
    app.extensions[PERSONAL_KEY] = PersonalData(database(app))
    lifetime = app.config["REMEMBER_DAYS"] * 86400
    app.extensions[LEDGER_KEY] = SessionLedger(database(app), lifetime=lifetime)
    session.init_app(app)
    app.register_blueprint(views.bp)
    app.add_template_filter(_isotime, "isotime")
    app.add_template_filter(_when, "when")
    app.add_template_global(mood_line)


def _isotime(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _when(timestamp: float) -> str:
    """A moment as the viewer's language writes a date and time (in UTC, said so)."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return gettext("%(moment)s UTC", moment=format_datetime(moment, "medium", rebase=False))


def mood_line(mood: dict[str, object]) -> str:
    """A kept mood in plain words: "Happy, read by your camera", "Neutral: you said so (we had
    read happy)"."""
    name = emotion_name(str(mood["emotion"]))
    emotion = name[:1].upper() + name[1:]
    if mood.get("source") == "correction":
        if mood.get("corrected_from"):
            read = emotion_name(str(mood["corrected_from"]))
            return gettext("%(mood)s: you said so (we had read %(read)s)", mood=emotion, read=read)
        return gettext("%(mood)s: you said so", mood=emotion)
    if mood.get("source") == "camera":
        return gettext("%(mood)s, read by your camera", mood=emotion)
    return gettext("%(mood)s, read from a photo", mood=emotion)

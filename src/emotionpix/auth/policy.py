"""What an account's email and password must be, with messages that say how to fix them.

Emails are checked and normalised by email-validator (the domain part lower-cased, Unicode
normalised; no DNS lookups, so it works offline). Passwords need a length and must not be
easy to guess: zxcvbn estimates that from common passwords, words, names and patterns.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from zxcvbn import zxcvbn

from emotionpix.auth.base import InvalidEmail, WeakPassword
from emotionpix.core.i18n import gettext

MIN_PASSWORD = 10
MAX_PASSWORD = 256  # argon2 takes any length; this bounds the work one request can ask for
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" against online attacks
SCORED_PREFIX = 72  # zxcvbn refuses longer input; a longer password is scored by its start


def normalise_email(email: str) -> str:
    """The canonical form of ``email``, or InvalidEmail saying what is wrong with it."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(
            gettext("That email address does not look right: %(reason)s", reason=exc)
        ) from None
    return str(checked.normalized).lower()


def check_password(password: str, *, email: str = "") -> None:
    """WeakPassword with a plain reason when ``password`` is too short, too long or easy to
    guess (the email's parts count as easy: a password built from them is)."""
    if len(password) < MIN_PASSWORD:
        raise WeakPassword(
            gettext("Use at least %(count)s characters for your password.", count=MIN_PASSWORD)
        )
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(
            gettext("Use at most %(count)s characters for your password.", count=MAX_PASSWORD)
        )
    hints = [email, *(part for part in re.split(r"[@.+_-]", email) if part)]
    result = zxcvbn(password[:SCORED_PREFIX], user_inputs=[*hints, "emotionpix", "movies"])
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        reason = feedback.get("warning") or "It would be easy to guess."
        advice = " ".join(feedback.get("suggestions") or []) or (
            "A few uncommon words together make a strong password."
        )
        raise WeakPassword(
            gettext(
                "Choose a stronger password. %(reason)s %(advice)s", reason=reason, advice=advice
            ).strip()
        )

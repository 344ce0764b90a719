"""What a viewer says about films, and the taste it teaches: ``POST /api/feedback`` ("more
like this" / "not for me", with an optional reason), ``GET /api/taste`` (what was learned)
and ``DELETE /api/taste`` ("reset my taste"). A signed-in viewer's signals are kept with
their account; a guest's taste lives in their browser: the server reads the ``taste`` they
send, returns the new one, and keeps nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from itertools import groupby
from operator import itemgetter
from typing import Any

from flask import Blueprint, Flask
from sqlalchemy.exc import SQLAlchemyError

from emotionpix.auth.personal import Film, seen
from emotionpix.auth.session import current_user, films_hidden, personal
from emotionpix.core.errors import InvalidInput
from emotionpix.core.i18n import gettext
from emotionpix.protection import never_stored
from emotionpix.recommend.moods import MODES
from emotionpix.taste import compact
from emotionpix.taste.crowd import Crowds
from emotionpix.taste.model import REASONS, VERDICTS, Signal, Taste, learn
from emotionpix.web.api import kept_signal, viewer_taste
from emotionpix.web.library import _emotion, _json, _movie_id
from emotionpix.wiring import recommender

CROWD_KEY = "emotionpix.crowd"
bp = Blueprint("taste", __name__, url_prefix="/api")
bp.after_request(never_stored)  # the viewer's own signals


def init_app(app: Flask) -> None:
    """The taste's routes, and (``CROWD``) every viewer's ranking starting from what the
    members who let the app learn liked (``taste.crowd``), read from their kept signals."""
    app.register_blueprint(bp)
    if not app.config["CROWD"]:
        return
    data = personal(app)

    def members() -> list[list[Signal]] | None:
        try:
            rows = data.crowd_signals()
        except SQLAlchemyError:
            return None  # the store is down: the crowd read last goes on
        by_account = groupby(rows, key=itemgetter("account_id"))
        return [list(_readable(kept)) for _, kept in by_account]

    refresh = app.config["CROWD_REFRESH"]
    crowds = app.extensions[CROWD_KEY] = Crowds(members, refresh, behind=refresh > 0)
    recommender(app).crowd = crowds.current


def _readable(rows: Iterable[Mapping[str, Any]]) -> Iterator[Signal]:
    """The kept signals among ``rows`` whose features can be read (a row gone odd in the
    database costs the crowd that row, not the whole crowd)."""
    for row in rows:
        with suppress(ValueError):
            yield kept_signal(row)


def _choice(body: dict[str, Any], field: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if value not in allowed:
        raise InvalidInput(
            gettext(
                "%(field)s must be one of: %(choices)s.", field=field, choices=", ".join(allowed)
            ),
            code=f"invalid_{field}",
        )
    return str(value)


@bp.post("/feedback")
def feedback() -> tuple[dict[str, Any], int]:
    """Keep what the viewer said about a film (``{"movie_id", "verdict": "like" |
    "dislike", "reason"?, "emotion"?, "mode"?}``). A guest also sends their ``taste`` and
    gets the new one back to keep; nothing about them is written here."""
    body = _json()
    film_id = _movie_id(body.get("movie_id"))
    verdict = _choice(body, "verdict", VERDICTS)
    if verdict is None:
        raise InvalidInput(
            gettext("Say like or dislike: verdict is missing."), code="invalid_verdict"
        )
    reason = _choice(body, "reason", tuple(REASONS))
    if reason is not None and verdict != "dislike":
        raise InvalidInput(gettext("A reason goes with a dislike only."), code="invalid_reason")
    emotion = _emotion(body["emotion"], "emotion") if body.get("emotion") is not None else None
    mode = _choice(body, "mode", MODES)
    raw = body.get("taste")
    if raw is not None and not isinstance(raw, str):
        raise InvalidInput(
            gettext("taste must be the text /api/feedback returned."), code="invalid_taste"
        )
    movie = recommender().movie(film_id).to_dict()  # the film as the provider has it
    signal = Signal.about(movie, verdict, reason, emotion)
    hidden = "everywhere" if verdict == "dislike" and reason != "not-in-mood" else None
    if verdict == "dislike" and reason == "not-in-mood":
        hidden = "mood" if emotion else None
    answer: dict[str, Any] = {"movie_id": film_id, "verdict": verdict, "hidden": hidden}
    user = current_user()
    if user is None:
        taste = learn([signal], compact.decode(raw) if raw else Taste())
        return {**answer, "kept": False, "taste": compact.encode(taste)}, 200
    data = personal()
    kept = data.record_signal(
        user.user_id,
        {
            "movie_id": film_id,
            "title": signal.title,
            "verdict": verdict,
            "reason": reason,
            "emotion": emotion,
            "mode": mode,
            "features": json.dumps(signal.features),
        },
    )
    if reason == "seen":  # the film goes on the seen list as well
        data.add(
            seen, user.user_id, Film(film_id, signal.title, movie["year"], movie["poster_url"])
        )
    if kept and hidden is not None:  # a movie night the viewer is in leaves it out too
        films_hidden(user.user_id)
    return {**answer, "kept": kept, "taste": None}, 201 if kept else 200


@bp.get("/taste")
def taste() -> dict[str, Any]:
    """What the viewer's taste has learned: its strongest features, how many signals and
    hidden films, and whether learning is on (a guest's: from their ``taste``)."""
    found = viewer_taste() or Taste()
    user = current_user()
    return {
        "learning": personal().learning_enabled(user.user_id) if user else True,
        "signals": found.events,
        "tuned": found.learned,
        "hidden": len(found.never),
        "liked": [title for _, title, _ in found.liked],
        "top": found.top(),
    }


@bp.delete("/taste")
def reset() -> dict[str, Any]:
    """ "Reset my taste": every signal forgotten (a guest's browser forgets its own)."""
    user = current_user()
    return {"forgotten": personal().forget_taste(user.user_id) if user else 0}

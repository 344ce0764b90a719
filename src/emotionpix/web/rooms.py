"""Movie-night rooms over HTTP: the JSON API under /api/rooms and the room's page.

A member is whoever's session holds one of the room's tokens (no account needed); the host
is the member who opened the room. Pages follow a room by polling ``GET
/api/rooms/<code>?since=<version>`` about once a second: an unchanged room costs one
indexed read and a 204, any worker or server answers it (the state is in the SQL store), and
no thread is held open between polls — Waitress and Gunicorn's threads would each be held by
a Server-Sent Events stream for as long as a member's page is open. A dropped connection
simply misses polls and catches up with the next one.
"""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, cast

import segno
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response as BaseResponse

from emotionpix.auth.personal import seen
from emotionpix.auth.session import (
    ACCOUNT_DELETED_KEY,
    FILMS_HIDDEN_KEY,
    current_user,
    personal,
)
from emotionpix.core.emotions import EMOTIONS, UnknownEmotion, normalise_emotion
from emotionpix.core.errors import Forbidden, InvalidInput, NotFound
from emotionpix.core.i18n import gettext
from emotionpix.core.movies import Movie
from emotionpix.protection import limiter
from emotionpix.rooms import (
    STORE_KEY,
    Decided,
    Room,
    RoomStore,
    room_films,
    room_mood,
    valid_code,
)
from emotionpix.rooms.group import MoodKey, Ranked, leading
from emotionpix.rooms.store import member_key
from emotionpix.web.api import _region, account_taste
from emotionpix.web.library import _json
from emotionpix.wiring import database, recommender, watch_guide

bp = Blueprint("rooms", __name__)

RANKINGS_KEY = "emotionpix.rooms.rankings"
STREAM_SECONDS = 25.0  # how long one events stream stays open
STREAM_CHECK = 0.5  # seconds between a stream's looks at the room's version
SEED = 1  # one order of each mood's films for every room
SESSION_ROOMS = "rooms"  # the session's {code: member token}
KEPT_IN_SESSION = 8  # the newest rooms a browser stays a member of
SHOWN = 12  # the films a room shows at once (vetoed ones are replaced from the rest)
KEPT = 40  # the films a room keeps ready
PAGES = 3  # pages of each mood's films that the room draws from
CARD = (  # what a room keeps of a film
    "id",
    "title",
    "original_title",
    "year",
    "genres",
    "rating",
    "votes",
    "runtime",
    "poster_url",
    "imdb_id",
)


@bp.record_once
def _init(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)  # Flask's setup state is typed with its base class
    app.extensions[STORE_KEY] = RoomStore(database(app))
    # A deleted account leaves the rooms it joined (its name, mood, vetoes and votes).
    app.extensions.setdefault(ACCOUNT_DELETED_KEY, []).append(store(app).forget_account)
    # A member who says "not for me" to a film elsewhere: their rooms blend their films again.
    app.extensions.setdefault(FILMS_HIDDEN_KEY, []).append(store(app).films_stale)
    app.extensions[RANKINGS_KEY] = Rankings()


def store(app: Flask | None = None) -> RoomStore:
    found: RoomStore = (app or current_app).extensions[STORE_KEY]
    return found


def room_limit() -> str:
    """Joins, new rooms and looks at rooms one is not in, per client address (configurable
    as ``RATE_LIMIT_ROOMS``): a room's code cannot be guessed by trying."""
    limit: str = current_app.config["RATE_LIMIT_ROOMS"]
    return limit


def _token(code: str) -> str | None:
    token = session.get(SESSION_ROOMS, {}).get(code)
    return token if isinstance(token, str) else None


def _is_member() -> bool:
    """Whether the request comes from a member of the room in its URL (members poll
    freely; only strangers' looks count against the limit)."""
    code = (request.view_args or {}).get("code", "")
    return _token(str(code).upper()) is not None


limited = limiter.shared_limit(room_limit, scope="rooms", exempt_when=_is_member)


def _remember(code: str, token: str) -> None:
    rooms: dict[str, str] = dict(session.get(SESSION_ROOMS, {}))
    rooms.pop(code, None)
    rooms[code] = token
    session[SESSION_ROOMS] = dict(list(rooms.items())[-KEPT_IN_SESSION:])


def _code(raw: str) -> str:
    code = raw.upper()
    if not valid_code(code):
        raise store()._gone(code)
    return code


def _room_for_member(raw: str) -> tuple[Room, str]:
    """The room and the caller's token; 404 for no such room, 403 for a non-member."""
    code = _code(raw)
    room = store().room(code)
    token = _token(code)
    if token is None or room.member(member_key(token)) is None:
        raise Forbidden(
            gettext("Join this room first: open its link and give your name."), code="not_a_member"
        )
    return room, token


def _url(code: str) -> str:
    """The room's link to share: under ``PUBLIC_URL`` where it is set (the address people
    use, not whatever Host this request came with), else this request's host."""
    public = current_app.config["PUBLIC_URL"]
    if public:
        return f"{public.rstrip('/')}{url_for('rooms.page', code=code)}"
    return url_for("rooms.page", code=code, _external=True)


# -- the state ----------------------------------------------------------------------------


def state(room: Room, token: str) -> dict[str, Any]:
    """The room as its members see it."""
    me = member_key(token)
    names = {m.key: m.name for m in room.members}
    films = [f for f in room.films if f["id"] not in room.vetoes]
    by_id = {f["id"]: f for f in room.films}
    tally: dict[str, int] = {}
    for movie_id in room.votes.values():
        tally[movie_id] = tally.get(movie_id, 0) + 1
    you = room.member(me)
    return {
        "code": room.code,
        "url": _url(room.code),
        "version": room.version,
        "you": {"name": you.name if you else None, "host": bool(you and you.host)},
        "members": [
            {
                "name": m.name,
                "emotion": m.emotion
                or (max(m.emotions, key=m.emotions.__getitem__) if m.emotions else None),
                "ready": m.mood is not None,
                "host": m.host,
                "voted": m.key in room.votes,
            }
            for m in room.members
        ],
        "mood": room_mood([m.mood for m in room.members if m.mood is not None]),
        "movies": films[:SHOWN],
        "vetoed": [
            {"id": movie_id, "title": by_id.get(movie_id, {}).get("title"), "by": names.get(who)}
            for movie_id, who in room.vetoes.items()
        ],
        "votes": tally,
        "your_vote": room.votes.get(me),
        "pick": _with_watch(by_id[room.pick]) if room.pick in by_id else None,
    }


def _with_watch(pick: dict[str, Any]) -> dict[str, Any]:
    """Tonight's pick with where to watch it in the asking member's region (``?region=``,
    else their browser's languages, as on the main page), when where-to-watch is configured;
    while availability cannot be had, the pick comes all the same, saying so."""
    guide = watch_guide()
    if guide is None:
        return pick
    region = _region()
    if not guide.via_imdb and not pick["id"].isdigit():
        # TMDB is the provider, but it failed when the room's films were drawn and the
        # catalog stood in: where the catalog's films stream is unknown (as on the main page).
        return {**pick, "watch": guide.unavailable(region)}
    movie = Movie(id=pick["id"], title=pick["title"], imdb_id=pick.get("imdb_id"))
    return {**pick, "watch": guide.for_movies([movie], region)[0]}  # (outages: unavailable)


def _films(room: Room) -> list[dict[str, Any]]:
    """The room's films, blended from its members' moods."""
    members = [(m.name, m.mood) for m in room.members if m.mood is not None]
    exclude = _hidden_for(room)
    rankings = {key: _ranked(key, exclude) for key in {key for _, key in members}}
    return [film.to_dict() for film in room_films(members, rankings, limit=KEPT)]


def _refresh_films(code: str) -> None:
    """Blend the members' moods into the room's films (when a mood or the members change)."""
    room = store().room(code)
    store().set_films(code, _films(room), room.moods)


class Rankings:
    """Each mood's ranked films for a while (``ttl`` seconds), shared by every room of this
    process: a mood change in one of fifty rooms then costs the room, not the recommender."""

    def __init__(self, ttl: float = 60.0, size: int = 256) -> None:
        self.ttl = ttl
        self.size = size
        self.kept: dict[tuple[MoodKey, frozenset[str]], tuple[float, Ranked]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple[MoodKey, frozenset[str]]) -> Ranked | None:
        with self.lock:
            found = self.kept.get(key)
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        return found[1]

    def put(self, key: tuple[MoodKey, frozenset[str]], ranked: Ranked) -> None:
        with self.lock:
            if len(self.kept) >= self.size:
                self.kept.pop(next(iter(self.kept)))  # the oldest
            self.kept[key] = (time.monotonic(), ranked)


def _ranked(key: MoodKey, exclude: frozenset[str]) -> Ranked:
    """One mood's films, best first, as the recommender ranks them (a few pages of one fixed
    order, so that rooms with the same mood share them)."""
    kept: Rankings = current_app.extensions[RANKINGS_KEY]
    found = kept.get((key, exclude))
    if found is not None:
        return found
    emotion, probabilities = key
    ranked: list[tuple[dict[str, Any], str]] = []
    # The room keeps its films' reasons and shows them to every member, whatever their
    # language: worded in English (the room's own words are English too) until rooms word
    # them as they are shown.
    with force_locale("en"):
        for page in range(1, PAGES + 1):
            result = recommender().recommend(
                emotion,
                page=page,
                seed=SEED,
                probabilities=dict(probabilities) or None,
                exclude=exclude,
            )
            ranked += [(_card(pick.movie.to_dict()), pick.reason) for pick in result.picks]
            if not result.to_dict().get("has_more"):
                break
    kept.put((key, exclude), ranked)
    return ranked


def _card(movie: dict[str, Any]) -> dict[str, Any]:
    """What a room keeps of a film: what its page shows (the room's films are read on every
    change, so cast, plots and keywords stay with the provider)."""
    return {field: movie.get(field) for field in CARD}


def _hidden_for(room: Room) -> frozenset[str]:
    """The films no signed-in member should be offered: those they have seen and those they
    said "not for me" to (or "not in the mood" for, in the mood they have in the room)."""
    found: set[str] = set()
    for member in room.members:
        if not member.account_id:
            continue
        try:
            found |= personal().ids(seen, member.account_id)
        except SQLAlchemyError:
            continue
        taste = account_taste(member.account_id)
        if taste is not None:
            found |= taste.hidden(leading(member.mood)) if member.mood else set(taste.never)
    return frozenset(found)


def _decide(room: Room) -> Room:
    """Tonight's pick once every member has voted: the most votes, the room's order breaking
    ties. The room as it is then."""
    if room.pick is None and room.members and len(room.votes) == len(room.members):
        return store().set_pick(room.code, _winner(room))
    return room


def _winner(room: Room) -> str | None:
    films: list[str] = [f["id"] for f in room.films if f["id"] not in room.vetoes]
    if not films:
        return None
    tally = {movie_id: 0 for movie_id in films}
    for movie_id in room.votes.values():
        if movie_id in tally:
            tally[movie_id] += 1
    return max(films, key=lambda movie_id: (tally[movie_id], -films.index(movie_id)))


def _film(room: Room, raw: Any) -> str:
    if room.pick is not None:
        raise Decided
    if not isinstance(raw, str) or raw not in {f["id"] for f in room.films}:
        raise NotFound(gettext("That film is not among this room's films."), code="movie_not_found")
    return raw


def _mood(body: dict[str, Any]) -> tuple[str | None, dict[str, float] | None]:
    """``{"emotion"}`` or ``{"emotions": {label: p}}`` (both: the chosen emotion leads)."""
    emotion, emotions = body.get("emotion"), body.get("emotions")
    try:
        chosen = normalise_emotion(emotion) if isinstance(emotion, str) else None
        readings = None
        if emotions is not None:
            if not isinstance(emotions, dict) or not emotions or len(emotions) > len(EMOTIONS):
                raise UnknownEmotion("")
            readings = {}
            for label, p in emotions.items():
                if isinstance(p, bool) or not isinstance(p, int | float) or not 0 <= p <= 1:
                    raise UnknownEmotion(label)
                readings[normalise_emotion(label)] = round(float(p), 2)
    except UnknownEmotion:
        raise InvalidInput(
            gettext(
                'Send {"emotion": one of %(choices)s} or {"emotions": {label: p}} '
                "with probabilities between 0 and 1.",
                choices=", ".join(EMOTIONS),
            ),
            code="invalid_emotion",
        ) from None
    if chosen is None and not readings:
        raise InvalidInput(
            gettext('Send {"emotion": one of %(choices)s}.', choices=", ".join(EMOTIONS)),
            code="invalid_emotion",
        )
    return chosen, readings


# -- the API ------------------------------------------------------------------------------


@bp.after_request
def _never_stored(response: Response) -> Response:
    """Names and moods: no browser or proxy may keep them."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/api/rooms")
@limited
def create() -> tuple[dict[str, Any], int]:
    """Open a room; the caller is its host (``{"name"}``, "Host" by default)."""
    body = _json() if request.content_length else {}
    user = current_user()
    code, token = store().create(body.get("name") or "Host", user.user_id if user else None)
    _remember(code, token)
    return {"code": code, "url": _url(code)}, 201


@bp.post("/api/rooms/<code>/join")
@limited
def join(code: str) -> dict[str, Any]:
    code = _code(code)
    token = _token(code)
    room = store().room(code)
    if token is None or room.member(member_key(token)) is None:
        user = current_user()
        token = store().join(code, _json().get("name"), user.user_id if user else None)
        _remember(code, token)
        _refresh_films(code)
    return state(store().room(code), token)


@bp.get("/api/rooms/<code>")
@limited
def room_state(code: str) -> Any:
    """The room; with ``?since=<version>`` a 204 while nothing has changed since then."""
    since = request.args.get("since", "")
    if since.isdigit() and len(since) < 12:
        upper = _code(code)
        if _token(upper) is None:
            _room_for_member(upper)
        if store().version(upper) == int(since):
            return _unchanged()
    room, token = _room_for_member(code)
    if not room.films and any(m.mood is not None for m in room.members):
        _refresh_films(room.code)  # cleared when a member's account was deleted
        room = store().room(room.code)
    return state(room, token)


def _unchanged() -> Response:
    """204: the room is as the page has it. Without a body it has no type, so the hooks
    that dress pages and JSON answers (languages, security policy) pass it by: most of a
    room's requests are these, once a second from every member's page."""
    response = Response(status=204)
    del response.headers["Content-Type"]
    return response


@bp.get("/api/rooms/<code>/events")
@limited
def events(code: str) -> Response:
    """The room as Server-Sent Events: an ``event: room`` (``id:`` its version) whenever it
    changes, for up to ``ROOM_STREAM_SECONDS`` (25); then the stream ends and EventSource
    reconnects, sending ``Last-Event-ID``. For API clients: each open stream holds one of a
    server's threads, so the page polls instead (see the module's docstring)."""
    room, token = _room_for_member(code)
    seconds = float(current_app.config.get("ROOM_STREAM_SECONDS", STREAM_SECONDS))
    last = request.headers.get("Last-Event-ID") or request.args.get("since") or ""
    seen = int(last) if last.isdigit() and len(last) < 12 else -1

    def stream() -> Iterator[str]:
        nonlocal seen
        end = time.monotonic() + seconds
        yield "retry: 1000\n\n"
        while True:
            try:
                version = store().version(room.code)
            except NotFound:
                yield "event: ended\ndata: {}\n\n"
                return
            if version != seen:
                now = store().room(room.code)
                seen = now.version
                yield f"id: {seen}\nevent: room\ndata: {json.dumps(state(now, token))}\n\n"
            if time.monotonic() >= end:
                return
            time.sleep(STREAM_CHECK)

    response = Response(stream_with_context(stream()), mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


@bp.post("/api/rooms/<code>/mood")
@limited
def set_mood(code: str) -> dict[str, Any]:
    room, token = _room_for_member(code)
    emotion, emotions = _mood(_json())
    # The films for the room with the new mood, blended before the change, so that the mood
    # and its films are one write (a member's room read once before and once after).
    me = member_key(token)
    after = replace(
        room,
        members=[
            replace(m, emotion=emotion, emotions=dict(emotions) if emotions else None)
            if m.key == me
            else m
            for m in room.members
        ],
    )
    kept, now = store().set_mood(room.code, token, emotion, emotions, (_films(after), after.moods))
    if not kept:  # another change came first: blend what is there now
        _refresh_films(room.code)
        now = store().room(room.code)
    return state(now, token)


@bp.post("/api/rooms/<code>/veto")
@limited
def veto(code: str) -> dict[str, Any]:
    room, token = _room_for_member(code)
    # (a pick made after the check in _film and before the veto: the store refuses it)
    vetoed = store().veto(room.code, token, _film(room, _json().get("movie_id")))
    return state(_decide(vetoed), token)


@bp.post("/api/rooms/<code>/vote")
@limited
def vote(code: str) -> dict[str, Any]:
    room, token = _room_for_member(code)
    movie_id = _film(room, _json().get("movie_id"))
    if movie_id in room.vetoes:
        raise InvalidInput(gettext("That film was vetoed for the room."), code="vetoed")
    voted = store().vote(room.code, token, movie_id)  # (Decided, as for a veto)
    return state(_decide(voted), token)


@bp.post("/api/rooms/<code>/close")
@limited
def close(code: str) -> dict[str, Any]:
    """The host ends the vote: the most votes so far win (the room's first film if none)."""
    room, token = _room_for_member(code)
    if not room.member(member_key(token)).host:  # type: ignore[union-attr]
        raise Forbidden(gettext("Only the host can close the vote."), code="not_the_host")
    if room.pick is None:
        room = store().set_pick(room.code, _winner(room))
    return state(room, token)


# -- the page -----------------------------------------------------------------------------


@bp.post("/rooms")
@limited
def start() -> BaseResponse:
    """ "Start a movie night" (a form on the main page): a room, then its page."""
    user = current_user()
    name = request.form.get("name", "").strip() or "Host"
    code, token = store().create(name, user.user_id if user else None)
    _remember(code, token)
    return redirect(url_for("rooms.page", code=code), 303)


@bp.post("/rooms/<code>/join")
@limited
def join_form(code: str) -> BaseResponse:
    """Joining without JavaScript (the page's form)."""
    code = _code(code)
    token = _token(code)
    if token is None or store().room(code).member(member_key(token)) is None:
        user = current_user()
        _remember(
            code, store().join(code, request.form.get("name", ""), user.user_id if user else None)
        )
        _refresh_films(code)
    return redirect(url_for("rooms.page", code=code), 303)


@bp.get("/rooms/<code>")
@limited
def page(code: str) -> Any:
    upper = code.upper()
    if upper != code and valid_code(upper):
        return redirect(url_for("rooms.page", code=upper), 301)
    room = store().room(_code(code))  # an unknown or ended room: the error page says which
    token = _token(room.code)
    member = room.member(member_key(token)) if token else None
    return render_template(
        "room.html",
        room=room,
        member=member,
        url=_url(room.code),
        emotions=EMOTIONS,
        watch=watch_guide() is not None,  # where to watch tonight's pick: TMDB configured
        max_upload_bytes=current_app.config["MAX_CONTENT_LENGTH"],
    )


@bp.get("/rooms/<code>/qr.svg")
@limited
def qr(code: str) -> Response:
    """The room's link as a QR code (SVG, drawn on the server)."""
    room = store().room(_code(code))
    svg = io.BytesIO()
    segno.make(_url(room.code), error="m").save(
        svg, kind="svg", scale=6, dark="#111", light="#fff", border=2, xmldecl=False
    )
    return Response(svg.getvalue(), mimetype="image/svg+xml")

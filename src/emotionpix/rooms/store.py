"""Rooms in the app's SQL database: every worker and server sees the same room, and a room's
``version`` moves on with every change, so a page asks cheaply whether anything changed.

A room lives ``ttl`` seconds (6 hours) after its last change; then it and everything about
its members (names, moods, vetoes, votes) is deleted: when a room is opened, when an ended
room is asked for, and by every process at most every 5 minutes while rooms are used.
Members are known by a random token that only their session holds; the table keeps its
SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import BindParameter

from emotionpix.core.errors import Forbidden, InvalidInput, NotFound
from emotionpix.core.i18n import gettext
from emotionpix.db import metadata
from emotionpix.rooms.codes import new_code, valid_code
from emotionpix.rooms.group import MoodKey, mood_key

TTL = 6 * 3600.0
MAX_MEMBERS = 12
MAX_NAME = 40
PURGE_EVERY = 300.0  # seconds: each process deletes ended rooms at most this often
STORE_KEY = "emotionpix.rooms"  # the app's RoomStore in app.extensions
KEPT_ROOMS = 512  # rooms each process keeps read (by code and version), the newest used

rooms = Table(
    "rooms",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("active_at", Float, nullable=False),  # the last change: expiry counts from it
    Column("version", Integer, nullable=False),
    Column("films", Text, nullable=False),  # the room's films (JSON), best first
    Column("pick", String(64), nullable=True),  # tonight's pick: a film id
)
Index("rooms_by_activity", rooms.c.active_at)

room_members = Table(
    "room_members",
    metadata,
    Column("room", String(16), primary_key=True),
    Column("member", String(64), primary_key=True),  # SHA-256 of the session's token
    Column("seat", Integer, nullable=False),  # joining order; the host has 0
    Column("name", String(MAX_NAME), nullable=False),
    Column("emotion", String(16), nullable=True),
    Column("emotions", Text, nullable=True),  # {label: p} (JSON) when a reading gave them
    Column("account_id", String(64), nullable=True),  # signed-in members: their seen films
)

room_marks = Table(
    "room_marks",  # vetoes and votes: a member vetoes any films, votes for one
    metadata,
    Column("room", String(16), primary_key=True),
    Column("member", String(64), primary_key=True),
    Column("kind", String(8), primary_key=True),  # "veto" | "vote"
    Column("movie_id", String(64), primary_key=True),
)

TABLES = (room_marks, room_members, rooms)

# The reads every poll makes, built once (building a statement costs more than running it).
_CODE: BindParameter[str] = bindparam("code")
_VERSION = select(rooms.c.version, rooms.c.active_at).where(rooms.c.code == _CODE)
_ROW = select(rooms).where(rooms.c.code == _CODE)
_ROW_NO_FILMS = select(rooms.c.version, rooms.c.active_at, rooms.c.pick).where(
    rooms.c.code == _CODE
)
_MEMBERS = select(room_members).where(room_members.c.room == _CODE).order_by(room_members.c.seat)
_MARKS = select(room_marks).where(room_marks.c.room == _CODE)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Decided(InvalidInput):
    """The room's pick is made: its vote is closed."""

    code = "room_decided"

    def __init__(self) -> None:
        super().__init__(gettext("Tonight's pick is made: the vote is closed."))


@dataclass(frozen=True)
class Member:
    key: str
    seat: int
    name: str
    emotion: str | None
    emotions: dict[str, float] | None
    account_id: str | None

    @property
    def host(self) -> bool:
        return self.seat == 0

    @property
    def mood(self) -> MoodKey | None:
        if self.emotion is None and not self.emotions:
            return None
        return mood_key(self.emotion, self.emotions)


@dataclass(frozen=True)
class Room:
    code: str
    version: int
    active_at: float
    films: list[dict[str, Any]]
    pick: str | None
    members: list[Member]
    vetoes: dict[str, str] = field(default_factory=dict)  # movie id -> member key
    votes: dict[str, str] = field(default_factory=dict)  # member key -> movie id

    def member(self, key: str | None) -> Member | None:
        return next((m for m in self.members if m.key == key), None)

    @property
    def moods(self) -> str:
        """What the room's films depend on (the members, their moods, their accounts)."""
        return _moods_signature(self.members)


class RoomStore:
    """Rooms, their members, vetoes and votes."""

    def __init__(
        self,
        engine: Engine,
        *,
        ttl: float = TTL,
        max_members: int = MAX_MEMBERS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.ttl = ttl
        self.max_members = max_members
        self.clock = clock
        self._purged_at = float("-inf")  # this process's last purge
        self._kept = _Kept(KEPT_ROOMS)

    # -- reading --------------------------------------------------------------------------

    def version(self, code: str) -> int:
        """The room's version (one small query, for pages asking whether anything changed)."""
        with self.engine.connect() as conn:
            row = conn.execute(_VERSION, {"code": code}).first()
        if row is None or row.active_at < self.clock() - self.ttl:
            raise self._gone(code)
        return int(row.version)

    def room(self, code: str) -> Room:
        """The whole room; NotFound for an unknown or expired one (deleted on the way).

        A room this process has read at its current version costs one small query: the
        version is read first, then everything else, so what is kept under a version is
        never older than that version (at worst newer, and then a newer version follows)."""
        if not valid_code(code):
            raise self._gone(code)
        if abs(self.clock() - self._purged_at) > PURGE_EVERY:  # (a clock set back too)
            self.purge()
        with self.engine.connect() as conn:
            row = conn.execute(_VERSION, {"code": code}).first()
            if row is not None and row.active_at >= self.clock() - self.ttl:
                kept = self._kept.get(code, row.version)
                if kept is not None:  # (its active_at moves only with its version)
                    return kept
                found = self._read(conn, code)
                if found is not None:
                    return self._kept.put(found)
        self.purge()
        raise self._gone(code)

    def _read(
        self,
        conn: Connection,
        code: str,
        members: list[Member] | None = None,
        films: list[dict[str, Any]] | None = None,
    ) -> Room | None:
        """The room as ``conn`` sees it (inside a change: exactly as that change left it);
        ``members`` and ``films``: as the caller has just read or written them."""
        row = conn.execute(_ROW if films is None else _ROW_NO_FILMS, {"code": code}).first()
        if row is None:
            return None
        members = self._members(conn, code) if members is None else members
        marks = conn.execute(_MARKS, {"code": code}).all()
        return Room(
            code=code,
            version=row.version,
            active_at=row.active_at,
            films=json.loads(row.films) if films is None else films,
            pick=row.pick,
            members=members,
            vetoes={k.movie_id: k.member for k in marks if k.kind == "veto"},
            votes={k.member: k.movie_id for k in marks if k.kind == "vote"},
        )

    # -- changing -------------------------------------------------------------------------

    def create(self, name: Any, account_id: str | None = None) -> tuple[str, str]:
        """A new room with its host as the first member: (code, the host's token)."""
        self.purge()
        name = _name(name)
        token = secrets.token_urlsafe(24)
        now = self.clock()
        for _ in range(5):  # a clash among 5e11 codes: practically never
            code = new_code()
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(rooms).values(
                            code=code, created_at=now, active_at=now, version=1, films="[]"
                        )
                    )
                    conn.execute(
                        insert(room_members).values(
                            room=code, member=_key(token), seat=0, name=name, account_id=account_id
                        )
                    )
                return code, token
            except IntegrityError:
                continue
        raise RuntimeError("no free room code")  # pragma: no cover

    def join(self, code: str, name: Any, account_id: str | None = None) -> str:
        """Add a member to the room: their token. Forbidden when the room is full."""
        name = _name(name)
        token = secrets.token_urlsafe(24)
        with self.engine.begin() as conn:
            self._changed(conn, code)
            taken = conn.execute(
                select(room_members.c.name, room_members.c.seat).where(room_members.c.room == code)
            ).all()
            if len(taken) >= self.max_members:
                raise Forbidden(
                    gettext(
                        "This room is full: a movie night has at most %(limit)s people.",
                        limit=self.max_members,
                    ),
                    code="room_full",
                )
            conn.execute(
                insert(room_members).values(
                    room=code,
                    member=_key(token),
                    seat=max(seat for _, seat in taken) + 1,
                    name=_unique(name, {n for n, _ in taken}),
                    account_id=account_id,
                )
            )
        return token

    def set_mood(
        self,
        code: str,
        token: str,
        emotion: str | None,
        emotions: Mapping[str, float] | None,
        films: tuple[list[dict[str, Any]], str] | None = None,
    ) -> tuple[bool, Room]:
        """Change a member's mood; with ``films`` (the room's films and the ``Room.moods``
        they were blended for, the new mood included) keep them in the same change, unless
        the members' moods are no longer those (another change came first): (False, the
        room) then, and the caller blends the films again (``set_films``)."""
        with self.engine.begin() as conn:
            self._changed(conn, code)
            conn.execute(
                update(room_members)
                .where(room_members.c.room == code, room_members.c.member == _key(token))
                .values(emotion=emotion, emotions=json.dumps(dict(emotions)) if emotions else None)
            )
            members = self._members(conn, code)
            kept = films is not None and _moods_signature(members) == films[1]
            if films is not None and kept:
                conn.execute(
                    update(rooms).where(rooms.c.code == code).values(films=json.dumps(films[0]))
                )
            after = self._after(conn, code, members, films[0] if films and kept else None)
        return kept, self._kept.put(after)

    def set_films(self, code: str, films: list[dict[str, Any]], moods: str) -> bool:
        """Keep the room's films, computed by the caller from the members' moods as
        ``Room.moods`` had them; refused (False) if they changed meanwhile: the request that
        changed them computes the newer films (so two members changing their mood at once
        never leave the films of an older state)."""
        kept = json.dumps(films)
        with self.engine.begin() as conn:
            self._live(conn, code)
            now = _moods_signature(self._members(conn, code))
            if now != moods:
                return False
            same = conn.execute(
                select(rooms.c.code).where(rooms.c.code == code, rooms.c.films == kept)
            ).first()
            if same is None:  # the same films again are no change (pages need not redraw)
                self._changed(conn, code, films=kept)
        return True

    def veto(self, code: str, token: str, movie_id: str) -> Room:
        """Take a film out for everyone (and the votes it had): the room after; Decided once
        tonight's pick is made."""
        with self.engine.begin() as conn:
            self._changed(conn, code, undecided=True)
            where = (room_marks.c.room == code, room_marks.c.movie_id == movie_id)
            conn.execute(delete(room_marks).where(*where))  # its veto and votes
            conn.execute(
                insert(room_marks).values(
                    room=code, member=_key(token), kind="veto", movie_id=movie_id
                )
            )
            after = self._after(conn, code)
        return self._kept.put(after)  # once the change is made

    def vote(self, code: str, token: str, movie_id: str) -> Room:
        """A member's vote (one each; voting again moves it): the room after; Decided once
        tonight's pick is made."""
        with self.engine.begin() as conn:
            self._changed(conn, code, undecided=True)
            mine = (room_marks.c.room == code, room_marks.c.member == _key(token))
            conn.execute(delete(room_marks).where(*mine, room_marks.c.kind == "vote"))
            conn.execute(
                insert(room_marks).values(
                    room=code, member=_key(token), kind="vote", movie_id=movie_id
                )
            )
            after = self._after(conn, code)
        return self._kept.put(after)  # once the change is made

    def set_pick(self, code: str, movie_id: str | None) -> Room:
        """Tonight's pick, made once: the room after. When another request made it first
        (the host closing the vote as the last vote came in), that pick stands and the room
        is returned as it is."""
        try:
            with self.engine.begin() as conn:
                self._changed(conn, code, undecided=True, pick=movie_id)
                after = self._after(conn, code)
        except Decided:
            return self.room(code)
        return self._kept.put(after)  # once the change is made

    def forget_account(self, account_id: str) -> list[str]:
        """Take a deleted account out of every room it is in: its membership, name, mood,
        vetoes and votes go, and each such room's films are cleared (their reasons named the
        member), to be blended again from the others' moods. Where it was the host, the
        member who joined first after it becomes the host. The rooms it changed."""
        with self.engine.begin() as conn:
            found = conn.execute(
                select(room_members.c.room, room_members.c.member, room_members.c.seat).where(
                    room_members.c.account_id == account_id
                )
            ).all()
            for code, member, seat in found:
                mine = (room_marks.c.room == code, room_marks.c.member == member)
                conn.execute(delete(room_marks).where(*mine))
                conn.execute(
                    delete(room_members).where(
                        room_members.c.room == code, room_members.c.member == member
                    )
                )
                if seat == 0:
                    self._hand_over(conn, code)
                self._changed(conn, code, ended=True, films="[]")
        return sorted({code for code, _, _ in found})

    def films_stale(self, account_id: str) -> list[str]:
        """Clear the films of every undecided room the account is in (it has hidden a film
        since they were blended), so that the next look at each blends them again. The
        rooms it changed."""
        with self.engine.begin() as conn:
            found = (
                conn.execute(
                    select(rooms.c.code)
                    .join(room_members, room_members.c.room == rooms.c.code)
                    .where(room_members.c.account_id == account_id, rooms.c.pick.is_(None))
                )
                .scalars()
                .all()
            )
            for code in found:
                self._changed(conn, code, ended=True, films="[]")
        return sorted(found)

    def _hand_over(self, conn: Connection, code: str) -> None:
        """The room's earliest remaining member takes the host's seat (none left: no host)."""
        first = conn.execute(
            select(func.min(room_members.c.seat)).where(room_members.c.room == code)
        ).scalar_one_or_none()
        if first is not None:
            conn.execute(
                update(room_members)
                .where(room_members.c.room == code, room_members.c.seat == first)
                .values(seat=0)
            )

    def purge(self) -> int:
        """Delete every expired room and all it kept: how many rooms went."""
        self._purged_at = self.clock()
        cutoff = self._purged_at - self.ttl
        with self.engine.begin() as conn:
            old = select(rooms.c.code).where(rooms.c.active_at < cutoff)
            conn.execute(delete(room_marks).where(room_marks.c.room.in_(old)))
            conn.execute(delete(room_members).where(room_members.c.room.in_(old)))
            return conn.execute(delete(rooms).where(rooms.c.active_at < cutoff)).rowcount

    # -- helpers --------------------------------------------------------------------------

    @staticmethod
    def _members(conn: Connection, code: str) -> list[Member]:
        rows = conn.execute(_MEMBERS, {"code": code}).all()
        return [
            Member(
                m.member,
                m.seat,
                m.name,
                m.emotion,
                json.loads(m.emotions) if m.emotions else None,
                m.account_id,
            )
            for m in rows
        ]

    def _live(self, conn: Connection, code: str) -> None:
        found = conn.execute(
            select(rooms.c.code).where(
                rooms.c.code == code, rooms.c.active_at >= self.clock() - self.ttl
            )
        ).first()
        if found is None:
            raise self._gone(code)

    def _changed(
        self,
        conn: Connection,
        code: str,
        *,
        ended: bool = False,
        undecided: bool = False,
        **values: Any,
    ) -> None:
        """A change to a live room (NotFound for an ended one): its version moves on. A
        change makes this its first statement, so that it holds the room's row from then on
        (on PostgreSQL other changes to the room wait; on SQLite the whole database does),
        and what it reads afterwards is the room exactly as it leaves it. ``ended``: the
        room may have ended (a deleted account leaves it all the same). ``undecided``: only
        while tonight's pick is not made (Decided if it is): checked in the same statement,
        so a vote, a veto or a pick racing the one that made it cannot land after it."""
        now = self.clock()
        live = () if ended else (rooms.c.active_at >= now - self.ttl,)
        open_vote = (rooms.c.pick.is_(None),) if undecided else ()
        changed = conn.execute(
            update(rooms)
            .where(rooms.c.code == code, *live, *open_vote)
            .values(version=rooms.c.version + 1, active_at=now, **values)
        )
        if changed.rowcount == 0 and not ended:
            if undecided:
                self._live(conn, code)  # NotFound if it ended, else it was decided
                raise Decided
            raise self._gone(code)

    def _after(
        self,
        conn: Connection,
        code: str,
        members: list[Member] | None = None,
        films: list[dict[str, Any]] | None = None,
    ) -> Room:
        """The room as the change being made leaves it (to keep for the polls that follow
        once the change is made: a change that fails leaves nothing kept)."""
        found = self._read(conn, code, members, films)
        assert found is not None  # _changed found it, and the change holds it
        return found

    @staticmethod
    def _gone(code: str) -> NotFound:
        return NotFound(
            "There is no such room, or it has ended (rooms end 6 hours after their last "
            "change). Start a new movie night from the main page.",
            code="room_not_found",
        )


class _Kept:
    """Rooms as last read, by code and version, the most recently used first to stay: a
    room's version moves on with every change, so a kept room at the version the database
    says is that room (rooms are read far more often than they change)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.rooms: OrderedDict[str, Room] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, code: str, version: int) -> Room | None:
        with self.lock:
            found = self.rooms.get(code)
            if found is None or found.version != version:
                return None
            self.rooms.move_to_end(code)
            return found

    def put(self, room: Room) -> Room:
        with self.lock:
            kept = self.rooms.get(room.code)
            if kept is None or kept.version <= room.version:
                self.rooms[room.code] = room
                self.rooms.move_to_end(room.code)
            while len(self.rooms) > self.size:
                self.rooms.popitem(last=False)
        return room


def _moods_signature(members: list[Member]) -> str:
    parts = [(m.name, m.mood, m.account_id) for m in members]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def member_key(token: str) -> str:
    """The key the store knows a member by, from the token their session holds."""
    return _key(token)


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or "name 2", "name 3" … when someone in the room already has it."""
    number = 1
    found = name
    while found in taken:
        number += 1
        found = f"{name[: MAX_NAME - 4]} {number}"
    return found


def _name(raw: Any) -> str:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            gettext(
                "Give a name of 1 to %(limit)s characters, so the others know who you are.",
                limit=MAX_NAME,
            ),
            code="invalid_name",
        )
    return name

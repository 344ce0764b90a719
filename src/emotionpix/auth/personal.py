"""What an account keeps, whichever backend signs its owner in: a watchlist (with, per film,
the services it was offered on when the watchlist was last shown), the films marked as seen,
where the owner watches (region and services), what the owner said about films (the
taste's signals: "more like this", "not for me" and its reason, films put on a list; while
learning is on), and, only when the owner turns it on, a mood history (the emotion label
and the time; never an image). Every row is keyed by the account id; ``export`` gives all
of it and ``delete`` removes all of it.

Requests of the same owner may run at once, so each write checks its condition in the
statement that writes: a film or a mood is inserted only while the account exists (and, for a
mood, keeps its history on), so nothing written while the account is being deleted or the
history turned off outlives that (SQLite does not enforce foreign keys; on PostgreSQL the
rows these checks read are locked until the write commits)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.exc import IntegrityError

from emotionpix.auth.base import Identity
from emotionpix.db import metadata

HISTORY_LIMIT = 500  # moods shown and kept per account (the oldest go first)
SIGNALS_LIMIT = 1000  # taste signals kept per account (the oldest likes go first)
CROWD_LIMIT = 20_000  # the newest signals of all accounts read for what members like together

accounts = Table(
    "accounts",
    metadata,
    Column("id", String(64), primary_key=True),  # the backend's user id
    Column("backend", String(16), nullable=False),
    Column("email", String(320), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("history_enabled", Boolean, nullable=False, default=False),
    Column("learning_enabled", Boolean, nullable=False, default=True, server_default=true()),
)


def _owned(name: str, *columns: Column[Any], primary: bool = True) -> Table:
    owner = Column(
        "account_id",
        String(64),
        ForeignKey("accounts.id", ondelete="CASCADE"),
        primary_key=primary,
        nullable=False,
    )
    return Table(name, metadata, owner, *columns)


def _film_columns(time_column: str) -> list[Column[Any]]:
    """A film as the account saw it (so the lists show without asking the movie API)."""
    return [
        Column("movie_id", String(64), primary_key=True),
        Column("title", String(300), nullable=False),
        Column("year", Integer, nullable=True),
        Column("poster_url", String(1000), nullable=True),
        Column(time_column, Float, nullable=False),
    ]


# watch_last_seen: where the film was offered when the watchlist was last shown, as JSON
# {"region", "services": [ids streaming it, free or with ads]} (null: never checked), so the
# page can tell a film that came to one of the owner's services since.
watchlist = _owned(
    "watchlist", *_film_columns("added_at"), Column("watch_last_seen", Text, nullable=True)
)
seen = _owned("seen_films", *_film_columns("seen_at"))
moods = _owned(
    "mood_history",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("emotion", String(16), nullable=False),
    Column("source", String(16), nullable=False),  # camera, photo or correction
    Column("corrected_from", String(16), nullable=True),
    Column("at", Float, nullable=False),
    primary=False,
)
Index("mood_history_by_account", moods.c.account_id, moods.c.at)
signals = _owned(
    "taste_signals",
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("movie_id", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("verdict", String(16), nullable=False),  # like, dislike, watchlist or seen
    Column("reason", String(24), nullable=True),
    Column("emotion", String(16), nullable=True),
    Column("mode", String(8), nullable=True),
    Column("features", Text, nullable=False),  # the film's taste features, a JSON list
    Column("at", Float, nullable=False),
    primary=False,
)
Index("taste_signals_by_account", signals.c.account_id, signals.c.at)
# Where the owner watches: the region (null: the browser's) and "only my services".
watch_settings = _owned(
    "watch_settings",
    Column("region", String(2), nullable=True),
    Column("services", Text, nullable=False),  # a JSON list of service ids
    Column("include_free", Boolean, nullable=False, default=False, server_default=false()),
    Column("updated_at", Float, nullable=False),
)

# Children before the account: the cascade is not relied on (SQLite enforces foreign keys
# only when asked to).
PERSONAL_TABLES: Sequence[Table] = (watchlist, seen, moods, signals, watch_settings, accounts)


@dataclass(frozen=True)
class Film:
    movie_id: str
    title: str
    year: int | None
    poster_url: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.movie_id,
            "title": self.title,
            "year": self.year,
            "poster_url": self.poster_url,
        }


class PersonalData:
    """The account rows, in the app database."""

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.clock = clock

    def ensure_account(self, identity: Identity, backend: str) -> None:
        """Make the account's row on its first sign-in (Supabase users have none before)."""
        row = {
            "id": identity.user_id,
            "backend": backend,
            "email": identity.email,
            "created_at": self.clock(),
            "history_enabled": False,
        }
        try:
            with self.engine.begin() as conn:
                if conn.execute(select(accounts.c.id).where(accounts.c.id == row["id"])).first():
                    conn.execute(
                        update(accounts)
                        .where(accounts.c.id == row["id"])
                        .values(email=identity.email)
                    )
                else:
                    conn.execute(insert(accounts).values(**row))
        except IntegrityError:  # made by a parallel request
            pass

    # -- films --------------------------------------------------------------------------------

    def add(self, table: Table, user_id: str, film: Film) -> bool:
        """Put ``film`` on the watchlist or the seen list (again: no change); False when the
        account is gone (deleted meanwhile)."""
        stamp = "added_at" if table is watchlist else "seen_at"
        row = {"account_id": user_id, **self._film_row(film), stamp: self.clock()}
        try:
            with self.engine.begin() as conn:
                added = conn.execute(_insert_if(table, row, _account(user_id).exists()))
        except IntegrityError:  # on the list already (or the account deleted meanwhile)
            return self._account_exists(user_id)
        return bool(added.rowcount)

    def remove(self, table: Table, user_id: str, movie_id: str) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                delete(table).where(table.c.account_id == user_id, table.c.movie_id == movie_id)
            )
        return bool(result.rowcount)

    def films(self, table: Table, user_id: str) -> list[Film]:
        """The list, newest first."""
        stamp = table.c.added_at if table is watchlist else table.c.seen_at
        query = select(table).where(table.c.account_id == user_id).order_by(stamp.desc())
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [Film(r.movie_id, r.title, r.year, r.poster_url) for r in rows]

    def ids(self, table: Table, user_id: str) -> frozenset[str]:
        with self.engine.connect() as conn:
            found = conn.execute(select(table.c.movie_id).where(table.c.account_id == user_id))
            return frozenset(found.scalars())

    def watch_last_seen(self, user_id: str) -> dict[str, Any]:
        """Per watchlist film, where it was offered when the list was last shown (films
        never checked are left out)."""
        query = select(watchlist.c.movie_id, watchlist.c.watch_last_seen).where(
            watchlist.c.account_id == user_id, watchlist.c.watch_last_seen.is_not(None)
        )
        with self.engine.connect() as conn:
            return {row.movie_id: json.loads(row.watch_last_seen) for row in conn.execute(query)}

    def remember_watch(self, user_id: str, seen_now: dict[str, Any]) -> None:
        """Keep where each watchlist film is offered now (films removed meanwhile: nothing)."""
        if not seen_now:
            return
        with self.engine.begin() as conn:
            for movie_id, value in seen_now.items():
                conn.execute(
                    update(watchlist)
                    .where(watchlist.c.account_id == user_id, watchlist.c.movie_id == movie_id)
                    .values(watch_last_seen=json.dumps(value, sort_keys=True))
                )

    # -- where the owner watches --------------------------------------------------------

    def watch_settings(self, user_id: str) -> dict[str, Any] | None:
        """``{"region", "services", "include_free"}``, or None when never saved."""
        query = select(watch_settings).where(watch_settings.c.account_id == user_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return {
            "region": row.region,
            "services": json.loads(row.services),
            "include_free": bool(row.include_free),
        }

    def save_watch_settings(
        self, user_id: str, region: str | None, services: Sequence[int], include_free: bool
    ) -> bool:
        """Keep the owner's region and services; False when the account is gone."""
        values = {
            "region": region,
            "services": json.dumps(list(services)),
            "include_free": include_free,
            "updated_at": self.clock(),
        }
        mine = watch_settings.c.account_id == user_id
        for _ in range(2):  # a parallel first save may insert between our update and insert
            try:
                with self.engine.begin() as conn:
                    if conn.execute(update(watch_settings).where(mine).values(**values)).rowcount:
                        return True
                    row = {"account_id": user_id, **values}
                    condition = _account(user_id).exists()
                    return bool(conn.execute(_insert_if(watch_settings, row, condition)).rowcount)
            except IntegrityError:
                continue
        return self._account_exists(user_id)

    # -- mood history -------------------------------------------------------------------

    def history_enabled(self, user_id: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(accounts.c.history_enabled).where(accounts.c.id == user_id)
            ).scalar()
        return bool(found)

    def set_history(self, user_id: str, enabled: bool) -> None:
        """Turn the mood history on or off; turning it off forgets what was kept."""
        with self.engine.begin() as conn:
            conn.execute(
                update(accounts).where(accounts.c.id == user_id).values(history_enabled=enabled)
            )
            if not enabled:
                conn.execute(delete(moods).where(moods.c.account_id == user_id))

    def record_mood(
        self, user_id: str, emotion: str, source: str, corrected_from: str | None = None
    ) -> bool:
        """Keep a mood if the owner turned the history on; False when it is off."""
        row = {
            "account_id": user_id,
            "emotion": emotion,
            "source": source,
            "corrected_from": corrected_from,
            "at": self.clock(),
        }
        history_on = _account(user_id).where(accounts.c.history_enabled)
        with self.engine.begin() as conn:
            if not conn.execute(_insert_if(moods, row, history_on.exists())).rowcount:
                return False
            kept = conn.execute(
                select(func.count()).select_from(moods).where(moods.c.account_id == user_id)
            ).scalar_one()
            if kept > HISTORY_LIMIT:
                oldest = (
                    select(moods.c.id)
                    .where(moods.c.account_id == user_id)
                    .order_by(moods.c.at, moods.c.id)
                    .limit(kept - HISTORY_LIMIT)
                )
                conn.execute(delete(moods).where(moods.c.id.in_(oldest.scalar_subquery())))
        return True

    def moods(self, user_id: str) -> list[dict[str, Any]]:
        """The kept moods, newest first."""
        query = (
            select(moods.c.emotion, moods.c.source, moods.c.corrected_from, moods.c.at)
            .where(moods.c.account_id == user_id)
            .order_by(moods.c.at.desc(), moods.c.id.desc())
            .limit(HISTORY_LIMIT)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- taste ----------------------------------------------------------------------------

    def learning_enabled(self, user_id: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(accounts.c.learning_enabled).where(accounts.c.id == user_id)
            ).scalar()
        return found is None or bool(found)

    def set_learning(self, user_id: str, enabled: bool) -> None:
        """Turn learning from signals on or off; turning it off forgets every signal but the
        "not for me"s (those films stay hidden), and what those films were like."""
        with self.engine.begin() as conn:
            conn.execute(
                update(accounts).where(accounts.c.id == user_id).values(learning_enabled=enabled)
            )
            if not enabled:
                mine = signals.c.account_id == user_id
                conn.execute(delete(signals).where(mine, signals.c.verdict != "dislike"))
                conn.execute(update(signals).where(mine).values(features="[]"))

    def record_signal(self, user_id: str, signal: dict[str, Any]) -> bool:
        """Keep a signal (``movie_id``, ``title``, ``verdict``, ``reason``, ``emotion``,
        ``mode``, ``features``: a JSON list). With learning off only a "not for me" is kept,
        without the film's features; False when nothing was kept."""
        learning = _account(user_id).where(accounts.c.learning_enabled)
        if signal["verdict"] == "dislike":
            condition = _account(user_id).exists()
            if not self.learning_enabled(user_id):
                signal = {**signal, "features": "[]"}
        else:
            condition = learning.exists()
        row = {"account_id": user_id, **signal, "title": signal["title"][:300], "at": self.clock()}
        with self.engine.begin() as conn:
            if not conn.execute(_insert_if(signals, row, condition)).rowcount:
                return False
            kept = conn.execute(
                select(func.count()).select_from(signals).where(signals.c.account_id == user_id)
            ).scalar_one()
            if kept > SIGNALS_LIMIT:  # likes and list signals go before "not for me"s
                oldest = (
                    select(signals.c.id)
                    .where(signals.c.account_id == user_id)
                    .order_by((signals.c.verdict == "dislike"), signals.c.at, signals.c.id)
                    .limit(kept - SIGNALS_LIMIT)
                )
                conn.execute(delete(signals).where(signals.c.id.in_(oldest.scalar_subquery())))
        return True

    def signals(self, user_id: str) -> list[dict[str, Any]]:
        """The kept signals, oldest first."""
        query = (
            select(
                signals.c.movie_id,
                signals.c.title,
                signals.c.verdict,
                signals.c.reason,
                signals.c.emotion,
                signals.c.mode,
                signals.c.features,
                signals.c.at,
            )
            .where(signals.c.account_id == user_id)
            .order_by(signals.c.at, signals.c.id)
            .limit(SIGNALS_LIMIT)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def crowd_signals(self, limit: int = CROWD_LIMIT) -> list[dict[str, Any]]:
        """The newest ``limit`` signals that teach something (their film's features kept) of
        every account that lets the app learn, for what the members like together
        (``taste.crowd``): oldest first by account, with the account's id and none of its
        details."""
        newest = (
            select(
                signals.c.id,
                signals.c.account_id,
                signals.c.movie_id,
                signals.c.title,
                signals.c.verdict,
                signals.c.reason,
                signals.c.emotion,
                signals.c.features,
                signals.c.at,
            )
            .join(accounts, accounts.c.id == signals.c.account_id)
            .where(accounts.c.learning_enabled, signals.c.features != "[]")
            .order_by(signals.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = [dict(row._mapping) for row in conn.execute(newest)]
        return sorted(rows, key=lambda row: (row["account_id"], row["at"], row["id"]))

    def forget_taste(self, user_id: str) -> int:
        """ "Reset my taste": every signal goes (hidden films come back); how many went."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(signals).where(signals.c.account_id == user_id))
        return int(result.rowcount or 0)

    # -- the owner's rights ---------------------------------------------------------------

    def export(self, user_id: str) -> dict[str, Any]:
        """Everything kept about the account, as JSON-ready data."""
        with self.engine.connect() as conn:
            account = conn.execute(select(accounts).where(accounts.c.id == user_id)).first()
        last_seen = self.watch_last_seen(user_id)
        return {
            "account": dict(account._mapping) if account else None,
            "watchlist": [
                {**f.to_dict(), "watch_last_seen": last_seen.get(f.movie_id)}
                for f in self.films(watchlist, user_id)
            ],
            "watch_settings": self.watch_settings(user_id),
            "seen": [f.to_dict() for f in self.films(seen, user_id)],
            "mood_history": self.moods(user_id),
            "taste_signals": [
                {**signal, "features": json.loads(signal["features"])}
                for signal in self.signals(user_id)
            ],
        }

    def delete(self, user_id: str) -> None:
        """Remove every row about the account, in one transaction that first locks the
        account's row (PostgreSQL), so no write of the owner's can slip in between."""
        with self.engine.begin() as conn:
            conn.execute(select(accounts.c.id).where(accounts.c.id == user_id).with_for_update())
            for table in PERSONAL_TABLES:
                column = table.c.id if table is accounts else table.c.account_id
                conn.execute(delete(table).where(column == user_id))

    def _account_exists(self, user_id: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(select(accounts.c.id).where(accounts.c.id == user_id))
            return found.first() is not None

    @staticmethod
    def _film_row(film: Film) -> dict[str, Any]:
        return {
            "movie_id": film.movie_id,
            "title": film.title[:300],
            "year": film.year,
            "poster_url": (film.poster_url or None) and film.poster_url[:1000],
        }


def _account(user_id: str) -> Select[Any]:
    """The account's row, locked against changes until the transaction ends (PostgreSQL's
    FOR SHARE: deleting the account or turning its history off waits for the writer, and a
    writer that comes second sees what they left)."""
    return select(accounts.c.id).where(accounts.c.id == user_id).with_for_update(read=True)


def _insert_if(table: Table, row: dict[str, Any], condition: Any) -> Any:
    """INSERT INTO table (...) SELECT <row> WHERE <condition>: the check and the write are
    one statement (its rowcount says whether it wrote)."""
    values = select(*(literal(value, table.c[name].type) for name, value in row.items()))
    statement = insert(table).from_select(list(row), values.where(condition))
    return statement.execution_options(preserve_rowcount=True)

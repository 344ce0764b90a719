"""Deleting an account, or turning its mood history off, while its owner's other requests
are still writing: nothing they write may outlive the deletion or the opt-out. On SQLite
(which does not enforce foreign keys) and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select

from emotionpix.auth.base import Identity
from emotionpix.auth.personal import Film, PersonalData, moods, seen, watchlist
from emotionpix.db import make_engine, metadata

TRIES = 10
WRITERS = 4


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgresql", marks=pytest.mark.integration),
    ]
)
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'races.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def rows(engine: Engine, table, user_id: str) -> int:
    with engine.connect() as conn:
        count = select(func.count()).select_from(table).where(table.c.account_id == user_id)
        return int(conn.execute(count).scalar_one())


def while_writing(write: Callable[[int, int], None], change: Callable[[], None]) -> list:
    """Run ``write(writer, n)`` in a loop on several threads, ``change()`` once they are
    under way, and let the writers go on a little after it; returns what they raised."""
    stop, errors = threading.Event(), []

    def writer(number: int) -> None:
        n = 0
        while not stop.is_set():
            try:
                write(number, n)
            except Exception as exc:  # collected, asserted on below
                errors.append(exc)
                return
            n += 1

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)
    change()
    time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join(10)
    return errors


def test_deleting_an_account_while_films_are_added_leaves_none_of_them(engine):
    data = PersonalData(engine)
    for attempt in range(TRIES):
        user = f"user-{attempt}"
        data.ensure_account(Identity(user, f"{user}@example.com", True), "local")

        def add(writer: int, n: int, user: str = user) -> None:
            table = watchlist if writer % 2 else seen
            data.add(table, user, Film(f"tt{writer}{n:06d}", "A film", 1999, None))

        errors = while_writing(add, lambda user=user: data.delete(user))
        assert errors == []
        assert (rows(engine, watchlist, user), rows(engine, seen, user)) == (0, 0), attempt
        assert data.export(user)["account"] is None


def test_turning_the_history_off_while_moods_are_recorded_keeps_none_of_them(engine):
    data = PersonalData(engine)
    for attempt in range(TRIES):
        user = f"user-{attempt}"
        data.ensure_account(Identity(user, f"{user}@example.com", True), "local")
        data.set_history(user, True)

        def record(writer: int, n: int, user: str = user) -> None:
            data.record_mood(user, "happy", "camera")

        errors = while_writing(record, lambda user=user: data.set_history(user, False))
        assert errors == []
        assert rows(engine, moods, user) == 0, attempt
        assert data.record_mood(user, "sad", "photo") is False


def test_a_deleted_account_records_no_mood(engine):
    data = PersonalData(engine)
    data.ensure_account(Identity("gone", "gone@example.com", True), "local")
    data.set_history("gone", True)
    assert data.record_mood("gone", "happy", "camera") is True
    data.delete("gone")
    assert data.record_mood("gone", "happy", "camera") is False
    data.add(watchlist, "gone", Film("tt0000001", "A film", 1999, None))
    assert (rows(engine, moods, "gone"), rows(engine, watchlist, "gone")) == (0, 0)

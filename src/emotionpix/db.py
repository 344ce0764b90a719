"""The app's relational database, through SQLAlchemy 2.

SQLite (a file in the instance folder) by default; any SQLAlchemy URL, PostgreSQL included,
by configuration. Tables are declared on ``metadata`` by the modules that own them.

A database across the network can hang (a stopped server's kernel still accepts and
acknowledges, so no socket option notices): on PostgreSQL every call the app makes while
serving has a deadline, kept by ``DeadlineGuard``, and a server that misses one is left
alone for a cooldown, so a hung database costs a request at most one deadline.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import stat
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError, InvalidatePoolError, SQLAlchemyError

from emotionpix.breaker import CircuitBreaker

log = logging.getLogger(__name__)

metadata = MetaData()


# Any fixed number: the PostgreSQL advisory lock that serialises schema creation.
SCHEMA_LOCK = 0x45504958  # "EPIX"


# How long anything may wait on the database: a lock (SQLite), a connection, a statement.
BUSY_TIMEOUT = 3.0
CONNECT_TIMEOUT = 2  # PostgreSQL's minimum that means something (libpq rounds up to 2 s)
STATEMENT_TIMEOUT_MS = 5000


def make_engine(url: str, *, timeout: float | None = None, cooldown: float = 5.0) -> Engine:
    """An engine for ``url``. SQLite files get WAL mode so readers never wait for writers,
    and are made readable by their owner only; every wait is bounded (busy, connect,
    statement and pool timeouts), and connections are checked before use and renewed, so the
    app heals by itself after a database outage.

    ``timeout`` (seconds) gives every call to a PostgreSQL server (psycopg) a deadline on
    the client's side too, and ``cooldown`` the seconds a server that missed one is then
    left alone (see ``DeadlineGuard``); None: only the server's own timeouts."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT}
        )

        @event.listens_for(engine, "do_connect")
        def _private_file(_dialect: Any, _record: Any, _cargs: Any, _cparams: Any) -> None:
            path = sqlite_file(engine)
            if path is not None:
                make_private(path)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        connect_args = {
            "connect_timeout": CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout=2000",
        }
    guarded = timeout is not None and url.startswith("postgresql+psycopg")
    engine = create_engine(
        url,
        # The guard checks connections itself, within its deadline.
        pool_pre_ping=not guarded,
        pool_recycle=300,
        pool_timeout=timeout if guarded and timeout is not None else CONNECT_TIMEOUT,
        connect_args=connect_args,
    )
    if guarded and timeout is not None:
        DeadlineGuard(timeout, cooldown).watch(engine)
    return engine


def make_private(path: str) -> None:
    """Make the SQLite file at ``path`` readable and writable by its owner only: created so
    when missing (SQLite then gives its -wal and -shm files the same mode), and narrowed
    when it exists with more. A folder that is gone is left for SQLite to report."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass
    except OSError:
        return
    for name in (path, f"{path}-wal", f"{path}-shm"):
        try:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            if mode & 0o077:
                os.chmod(name, mode & 0o700)
        except OSError:  # absent, or not ours to change: SQLite reports what matters
            pass


def create_tables(engine: Engine, tables: Sequence[Table] | None = None) -> None:
    """Create missing tables. Safe when several workers start at once on a new database:
    PostgreSQL serialises them with an advisory lock; elsewhere a worker that loses the race
    retries and then finds the tables there."""
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                metadata.create_all(conn, tables=tables)
            return
        except DatabaseError:
            if attempt == 2:
                raise
            time.sleep(0.2 * (attempt + 1))


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or used when the app starts."""


class DatabaseTimeout(SQLAlchemyError):
    """The database did not answer a call within its deadline (the call was cut)."""


class DatabaseSkipped(SQLAlchemyError):
    """The database missed a deadline or refused a connection a moment ago, and is left
    alone until its cooldown ends (no call was made)."""


class DeadlineGuard:
    """Deadlines for every call to a PostgreSQL server (psycopg), and a circuit breaker.

    - A new connection is made on a small thread pool and waited for ``timeout`` seconds
      (libpq's own connect timeout cannot go below 2 s); one made too late is closed.
    - A pooled connection is checked (``SELECT 1``) before each use, within the deadline.
    - Once the app serves requests, every statement, commit and rollback gets the deadline:
      a watchdog thread shuts the connection's socket down when one is still running at
      its deadline, which ends the wait at once with an error (``DatabaseTimeout``) and the
      connection is thrown away. (Before serving, migrations may wait on each other's lock.)
    - A missed deadline or a refused connection opens the breaker: for ``cooldown`` seconds
      every call fails at once (``DatabaseSkipped``); then one call tries again.

    Both errors are SQLAlchemyErrors, so every caller's handling of a database outage
    applies (signed-in visitors are served as guests, the cache is bypassed, writes 503)."""

    def __init__(
        self, timeout: float, cooldown: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.timeout = timeout
        self.cooldown = cooldown
        self.breaker = CircuitBreaker(1, cooldown, clock)
        self.serving = False  # set by the first request (see init_app)
        self._clock = clock
        self._armed: dict[int, tuple[float, Any, dict[Any, Any]]] = {}
        self._wake = threading.Condition()
        self._watchdog: threading.Thread | None = None
        self._connector = ThreadPoolExecutor(4, thread_name_prefix="db-connect")
        self._local = threading.local()
        self._why = "no answer"  # why the breaker last opened

    def watch(self, engine: Engine) -> None:
        """Guard every connection ``engine`` makes and every call on them."""
        GUARDS[engine] = self
        event.listen(engine, "do_connect", self._connect)
        event.listen(engine, "connect", self._fresh)
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "before_cursor_execute", self._before_execute)
        event.listen(engine, "after_cursor_execute", self._after_execute)
        event.listen(engine, "commit", self._before_end)
        event.listen(engine, "rollback", self._before_end)
        event.listen(engine, "reset", self._before_reset)
        event.listen(engine, "checkin", self._checkin)
        event.listen(engine, "handle_error", self._error)

    def skipped(self) -> DatabaseSkipped:
        return DatabaseSkipped(f"{self._why}; not asked again for up to {self.cooldown:g} s")

    def _failed(self, why: str) -> None:
        self._why = why
        self.breaker.failed()

    # -- connections ------------------------------------------------------------------------

    def _admit(self) -> None:
        """Let one checkout through the breaker (a retried connect within it is the same)."""
        if getattr(self._local, "admitted", False):
            return
        if not self.breaker.allow():
            raise self.skipped()
        self._local.admitted = True

    def _connect(self, dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        try:
            self._admit()
            pending = self._connector.submit(dialect.connect, *cargs, **cparams)
            try:
                connection = pending.result(self.timeout)
            except FutureTimeout:
                pending.add_done_callback(_close_late)
                self._failed(f"no answer within {self.timeout:g} s")
                raise DatabaseTimeout(f"no connection within {self.timeout:g} s") from None
            except Exception as exc:  # refused, unknown host, bad password: the server's
                self._failed(f"error: {type(exc).__name__}")
                raise
        finally:
            self._local.admitted = False
        self.breaker.succeeded()
        return connection

    def _fresh(self, _dbapi_conn: Any, record: Any) -> None:
        record.info.pop("cut", None)  # its predecessor's
        record.info["fresh"] = True

    def _checkout(self, dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        """Check a pooled connection before use (a fresh one was just made)."""
        if record.info.pop("fresh", False):
            return
        try:
            self._admit()
            self._arm(dbapi_conn, record.info)
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                self._disarm(dbapi_conn)
                cursor.close()
        except SQLAlchemyError:
            raise
        except Exception as exc:
            if record.info.pop("cut", False):
                self._local.admitted = False
                raise DatabaseTimeout(f"no answer within {self.timeout:g} s") from None
            # Gone since it was pooled (a restarted server): the pool makes a new one.
            self._local.admitted = True
            raise InvalidatePoolError(str(exc)) from exc
        self._local.admitted = False
        self.breaker.succeeded()

    # -- calls ------------------------------------------------------------------------------

    def _before_execute(self, conn: Any, _cursor: Any, *_args: Any) -> None:
        if self.serving:
            self._arm(conn.connection.dbapi_connection, conn.info)

    def _after_execute(self, conn: Any, *_args: Any) -> None:
        self._disarm(conn.connection.dbapi_connection)
        self.breaker.succeeded()

    def _before_end(self, conn: Any) -> None:
        if self.serving and not conn.invalidated:
            self._arm(conn.connection.dbapi_connection, conn.info)

    def _before_reset(self, dbapi_conn: Any, record: Any, _state: Any) -> None:
        if self.serving:
            self._arm(dbapi_conn, record.info)

    def _checkin(self, dbapi_conn: Any, _record: Any) -> None:
        if dbapi_conn is not None:
            self._disarm(dbapi_conn)

    def _error(self, context: ExceptionContext) -> BaseException | None:
        connection = context.connection
        if connection is None or connection.invalidated or connection.closed:
            return None
        self._disarm(connection.connection.dbapi_connection)
        if not connection.info.pop("cut", False):
            return None
        context.is_disconnect = True  # thrown away, with every other pooled connection
        return DatabaseTimeout(f"no answer within {self.timeout:g} s")

    # -- the watchdog -----------------------------------------------------------------------

    def _arm(self, dbapi_conn: Any, info: dict[Any, Any]) -> None:
        with self._wake:
            self._armed[id(dbapi_conn)] = (self._clock() + self.timeout, dbapi_conn, info)
            if self._watchdog is None:
                self._watchdog = threading.Thread(
                    target=self._watch, name="db-deadlines", daemon=True
                )
                self._watchdog.start()
            self._wake.notify()

    def _disarm(self, dbapi_conn: Any) -> None:
        with self._wake:
            self._armed.pop(id(dbapi_conn), None)

    def _watch(self) -> None:
        """Cut every connection still busy at its deadline; ends after a while with none."""
        with self._wake:
            while True:
                now = self._clock()
                for key, (deadline, dbapi_conn, info) in list(self._armed.items()):
                    if deadline <= now:
                        del self._armed[key]
                        if _busy(dbapi_conn):
                            info["cut"] = True
                            self._cut(dbapi_conn)
                if not self._armed:
                    self._wake.wait(30)
                    if not self._armed:
                        self._watchdog = None
                        return
                    continue
                self._wake.wait(min(d for d, _, _ in self._armed.values()) - now)

    def _cut(self, dbapi_conn: Any) -> None:
        if self.breaker.state == "closed":
            log.warning("the database missed a %g s deadline: leaving it alone", self.timeout)
        self._failed(f"no answer within {self.timeout:g} s")
        # Shutting down a duplicate shuts the connection's own socket: psycopg's wait ends
        # with an error now instead of whenever the server wakes up. (Closed meanwhile:
        # nothing left to cut.)
        with (
            contextlib.suppress(Exception),
            socket.socket(fileno=os.dup(dbapi_conn.pgconn.socket)) as shared,
        ):
            shared.shutdown(socket.SHUT_RDWR)


GUARDS: weakref.WeakKeyDictionary[Engine, DeadlineGuard] = weakref.WeakKeyDictionary()


def guard(engine: Engine) -> DeadlineGuard | None:
    """The guard of ``engine`` (None: SQLite, or no deadline configured)."""
    return GUARDS.get(engine)


def _busy(dbapi_conn: Any) -> bool:
    """Whether a psycopg connection is waiting on the server (a command in progress)."""
    from psycopg.pq import TransactionStatus

    try:
        return bool(dbapi_conn.pgconn.transaction_status == TransactionStatus.ACTIVE)
    except Exception:
        return False


def _close_late(pending: Future[Any]) -> None:
    """A connection that arrived after its caller gave up."""
    if not pending.cancelled() and pending.exception() is None:
        with contextlib.suppress(Exception):
            pending.result().close()


def unavailable(engine: Engine, exc: BaseException) -> DatabaseUnavailable:
    """The start-up error for a database that cannot be used: it names the database
    (password hidden), not a traceback."""
    where = engine.url.render_as_string(hide_password=True)
    return DatabaseUnavailable(
        f"cannot use the database {where} ({type(exc).__name__}); check "
        "EMOTIONPIX_DATABASE_URL and that the server is running"
    )


def ping(engine: Engine, deadline: float = 0.8) -> str | None:
    """None when the database answers a trivial query within ``deadline`` seconds, else why
    not (a hung server answers nothing, so the query runs on its own thread)."""
    return start_ping(engine, deadline)()


def start_ping(engine: Engine, deadline: float = 0.8) -> Callable[[], str | None]:
    """``ping`` begun now, its answer taken later: the caller may check other things while
    it runs. The returned function waits at most until ``deadline`` seconds after now."""
    outcome: list[str | None] = []
    started = time.monotonic()

    def probe() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            outcome.append(None)
        except (DatabaseTimeout, DatabaseSkipped) as exc:  # the guard's own words
            outcome.append(str(exc))
        except Exception as exc:  # any failure means "not ready"
            engine.dispose()  # the next connections start afresh
            outcome.append(f"error: {type(exc).__name__}")

    worker = threading.Thread(target=probe, daemon=True, name="db-ping")
    worker.start()

    def answer() -> str | None:
        worker.join(max(0.0, started + deadline - time.monotonic()))
        return outcome[0] if outcome else f"no answer within {deadline:g} s"

    return answer


def sqlite_file(engine: Engine) -> str | None:
    """The path of the engine's SQLite file; None for other databases and in-memory ones."""
    name = engine.url.database
    if engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return name


def sqlite_file_present(engine: Engine) -> bool:
    """False when the engine's SQLite file has been deleted (other databases: True)."""
    path = sqlite_file(engine)
    return path is None or os.path.exists(path)

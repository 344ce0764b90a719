"""The server's record of open sessions, whichever backend signed their owners in.

The session cookie is signed, so the server cannot take it back: without a record here, a
copied cookie would keep working after "Sign out". Each sign-in opens an entry keyed by a
random session id that only the cookie holds (the table keeps its SHA-256, so a leaked
database opens no session); a request is signed in only while its entry is open; signing out
closes it, "sign out everywhere" and deleting the account close them all. Entries end after
``lifetime`` seconds at the latest ("keep me signed in" lasts no longer).

The entry also keeps the backend's tokens (a local account's session epoch; Supabase's
access and refresh tokens, whose payload names the email), so the cookie itself carries
only the account id and the session id: signed, not encrypted, it shows nothing else.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)

from emotionpix.db import metadata

LEDGER_KEY = "emotionpix.auth.ledger"  # where the app keeps its ledger (app.extensions)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's session id
    Column("account_id", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("tokens", Text, nullable=True),  # the backend's tokens, as JSON
)
Index("auth_sessions_by_account", auth_sessions.c.account_id)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionLedger:
    """Open sessions in the app database."""

    def __init__(
        self, engine: Engine, *, lifetime: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.engine = engine
        self.lifetime = lifetime
        self.clock = clock

    def open(self, account_id: str, tokens: Mapping[str, Any]) -> str:
        """A new session of ``account_id`` holding the backend's ``tokens``: its id, for the
        cookie only. Sessions past their lifetime are swept away here (sign-ins are rare
        enough to carry the cost)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                delete(auth_sessions).where(auth_sessions.c.created_at < now - self.lifetime)
            )
            conn.execute(
                insert(auth_sessions).values(
                    id=_key(session_id),
                    account_id=account_id,
                    created_at=now,
                    tokens=json.dumps(dict(tokens)),
                )
            )
        return session_id

    def tokens(self, session_id: str, account_id: str) -> dict[str, Any] | None:
        """The open session's tokens; None when it was closed or has lived its lifetime."""
        query = select(auth_sessions.c.created_at, auth_sessions.c.tokens).where(
            auth_sessions.c.id == _key(session_id), auth_sessions.c.account_id == account_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None or row.created_at < self.clock() - self.lifetime:
            return None
        found = json.loads(row.tokens) if row.tokens else {}
        return found if isinstance(found, dict) else {}

    def renew(self, session_id: str, tokens: Mapping[str, Any]) -> None:
        """Keep the tokens a backend renewed (Supabase rotates them)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(auth_sessions)
                .where(auth_sessions.c.id == _key(session_id))
                .values(tokens=json.dumps(dict(tokens)))
            )

    def close(self, session_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(auth_sessions).where(auth_sessions.c.id == _key(session_id)))

    def close_all(self, account_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(auth_sessions).where(auth_sessions.c.account_id == account_id))

    def export(self, account_id: str) -> list[dict[str, Any]]:
        """When each open session began (for the owner's export; never the ids)."""
        query = (
            select(auth_sessions.c.created_at)
            .where(auth_sessions.c.account_id == account_id)
            .order_by(auth_sessions.c.created_at)
        )
        with self.engine.connect() as conn:
            return [{"signed_in_at": at} for at in conn.execute(query).scalars()]

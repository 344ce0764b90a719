"""Helpers for the account tests: CSRF tokens from pages, the links in mailed messages, and
a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import email
import io
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import Flask

PASSWORD = "tangerine velvet harbour"  # strong enough for the policy
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
LINK = re.compile(r"https?://\S+/(?:confirm|password/reset)\?token=\S+")


def csrf_token(client: Any, path: str = "/signin") -> str:
    """The CSRF token a page gives its forms and scripts."""
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def console(app: Flask) -> io.StringIO:
    """Send the app's console mail to a buffer the test reads."""
    stream = io.StringIO()
    app.extensions["emotionpix.auth.mailer"].stream = stream
    return stream


def links(text: str) -> list[str]:
    return LINK.findall(text)


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def sign_up(client: Any, email_address: str, password: str = PASSWORD) -> Any:
    return client.post(
        "/signup",
        data={"email": email_address, "password": password, "csrf_token": csrf_token(client)},
    )


def confirm(client: Any, link: str, password: str = PASSWORD) -> Any:
    """Follow a verification link as a person does: open it, type the sign-up password,
    press the button."""
    parts = urlsplit(link)
    page = client.get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    data = {"token": token_of(link), "password": password}
    return client.post("/confirm", data={**data, "csrf_token": csrf_token(client, "/confirm")})


def sign_in(client: Any, email_address: str, password: str = PASSWORD, **extra: str) -> Any:
    data = {"email": email_address, "password": password, "csrf_token": csrf_token(client)}
    return client.post("/signin", data={**data, **extra})


def verified_user(client: Any, outbox: io.StringIO, email_address: str) -> None:
    """Sign up, confirm and stay signed in."""
    assert sign_up(client, email_address).status_code == 200
    assert confirm(client, links(outbox.getvalue())[-1]).status_code == 302


class Mailbox:
    """What an SMTP server on 127.0.0.1 received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.arrived:
            self.messages.append(email.message_from_bytes(envelope.content))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[Message]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return self.messages

    def links(self, to: str | None = None) -> list[str]:
        """Every link mailed (to ``to`` only, if given), oldest first."""
        return [
            link
            for message in self.messages
            if to is None or message["To"] == to
            for link in links(message.get_payload(decode=True).decode())
        ]

    def link_for(self, to: str, timeout: float = 10.0) -> str:
        """The newest link mailed to ``to``, waiting for it to arrive."""
        with self.arrived:
            self.arrived.wait_for(lambda: bool(self.links(to)), timeout)
        return self.links(to)[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(mailbox: Mailbox | None = None) -> Iterator[tuple[str, Mailbox]]:
    """A real SMTP server (aiosmtpd) on a free port; yields its URL and its mailbox."""
    from aiosmtpd.controller import Controller

    mailbox = mailbox or Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", mailbox
    finally:
        controller.stop()

"""Sending account emails: through an SMTP server when ``EMOTIONPIX_SMTP_URL`` is set,
otherwise written to the server's console (as Django's console backend does), so sign-up
works on a machine with no mail server."""

from __future__ import annotations

import smtplib
import ssl
import sys
import threading
from email.message import EmailMessage
from typing import Protocol, TextIO
from urllib.parse import unquote, urlsplit

from emotionpix.auth.base import AuthUnavailable


class Mailer(Protocol):
    """Sends one plain-text email."""

    #: Where a person finds the mail: shown on the page after sign-up ("your inbox").
    where: str

    def send(self, to: str, subject: str, body: str) -> None: ...


class ConsoleMailer:
    """Writes each email to the console (the server's standard error by default)."""

    where = "the server's console (no mail server is configured)"

    def __init__(self, sender: str, stream: TextIO | None = None) -> None:
        self.sender = sender
        self.stream = stream
        self._lock = threading.Lock()  # one email's lines are never interleaved with another's

    def send(self, to: str, subject: str, body: str) -> None:
        stream = self.stream or sys.stderr
        rule = "-" * 72
        text = f"{rule}\nFrom: {self.sender}\nTo: {to}\nSubject: {subject}\n\n{body}\n{rule}\n"
        with self._lock:
            stream.write(text)
            stream.flush()


class SmtpMailer:
    """Sends through an SMTP server: ``smtp://user:pass@host:587`` (STARTTLS when the server
    offers it) or ``smtps://user:pass@host:465`` (TLS from the first byte)."""

    where = "your inbox"

    def __init__(self, url: str, sender: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("use smtp://[user:password@]host[:port] or smtps://…")
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 587)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else ""
        self.sender = sender
        self.timeout = timeout

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            raise AuthUnavailable(
                "We could not send the email right now. Please try again in a few minutes."
            ) from None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        smtp.ehlo()
        if smtp.has_extn("starttls"):
            smtp.starttls(context=context)
            smtp.ehlo()
        return smtp


def build_mailer(url: str | None, sender: str) -> Mailer:
    """The SMTP mailer for ``url``, or the console when there is none."""
    return SmtpMailer(url, sender) if url else ConsoleMailer(sender)

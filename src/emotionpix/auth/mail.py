"""Sending account emails: through an SMTP server when ``EMOTIONPIX_SMTP_URL`` is set,
otherwise written to the server's console (as Django's console backend does), so sign-up
works on a machine with no mail server.

SMTP mail leaves on a thread of its own (``OutgoingMail``): a request never waits for the
mail server, so neither the answer's timing nor a failing server tells anyone whether an
address has an account.
"""

from __future__ import annotations

import logging
import queue
import re
import smtplib
import ssl
import sys
import threading
import time
from email.message import EmailMessage
from typing import Protocol, TextIO
from urllib.parse import unquote, urlsplit

from emotionpix.auth.base import AuthUnavailable
from emotionpix.core.i18n import N_, gettext

log = logging.getLogger(__name__)
LINK = re.compile(r"https?://\S+")


class Mailer(Protocol):
    """Sends one plain-text email."""

    #: Where a person finds the mail: shown on the page after sign-up ("your inbox").
    where: str

    def send(self, to: str, subject: str, body: str) -> None: ...


class ConsoleMailer:
    """Writes each email to the console (the server's standard error by default)."""

    where = N_("the server's console (no mail server is configured)")

    def __init__(self, sender: str, stream: TextIO | None = None) -> None:
        self.sender = sender
        self.stream = stream
        self._lock = threading.Lock()  # one email's lines are never interleaved with another's

    def send(self, to: str, subject: str, body: str) -> None:
        stream = self.stream or sys.stderr
        with self._lock:
            stream.write(self.block(to, subject, body, bold=stream.isatty()))
            stream.flush()

    def block(self, to: str, subject: str, body: str, *, bold: bool = False) -> str:
        """The mail as a block that stands out among the access log's lines: ruled off, with
        a title, and each link on a line of its own, marked (and bold on a terminal)."""
        start, end = ("\033[1m", "\033[0m") if bold else ("", "")
        lines = []
        for line in body.splitlines():
            if LINK.fullmatch(line.strip()):
                line = f"  >>> {start}{line.strip()}{end}"
            lines.append(f"| {line}".rstrip())
        title = f" MAIL to {to} (printed here: no mail server is configured) "
        return "\n".join(
            [
                "",
                f"+{title:=^78}+",
                f"| From: {self.sender}",
                f"| To: {to}",
                f"| Subject: {start}{subject}{end}",
                "|",
                *lines,
                f"+{'=' * 78}+",
                "",
                "",
            ]
        )


class SmtpMailer:
    """Sends through an SMTP server: ``smtp://user:pass@host:587`` (STARTTLS when the server
    offers it) or ``smtps://user:pass@host:465`` (TLS from the first byte)."""

    where = N_("your inbox")

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
                gettext("We could not send the email right now. Please try again in a few minutes.")
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


class OutgoingMail:
    """Sends through ``mailer`` on a background thread: ``send`` only queues the mail. A
    mail the server refuses is tried again after ``retry_after`` seconds (``attempts`` in
    all), then given up and logged (the recipient never learns; the page tells people to
    ask for a new link if none arrives). The thread starts with the first mail, in the
    process that sends it (so a Gunicorn worker forked later has its own)."""

    def __init__(
        self, mailer: Mailer, *, attempts: int = 3, retry_after: float = 5.0, capacity: int = 1000
    ) -> None:
        self.mailer = mailer
        self.where = mailer.where
        self.attempts = attempts
        self.retry_after = retry_after
        self._queue: queue.Queue[tuple[str, str, str]] = queue.Queue(capacity)
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def send(self, to: str, subject: str, body: str) -> None:
        try:
            self._queue.put_nowait((to, subject, body))
        except queue.Full:  # the mail server has been down for a long while
            log.error("the outgoing mail queue is full: a mail was dropped")
            return
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="mail")
                self._thread.start()

    def flush(self, timeout: float) -> bool:
        """Wait until every queued mail was sent or given up (True), or ``timeout`` passed."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _run(self) -> None:
        while True:
            to, subject, body = self._queue.get()
            try:
                self._deliver(to, subject, body)
            finally:
                self._queue.task_done()

    def _deliver(self, to: str, subject: str, body: str) -> None:
        for attempt in range(1, self.attempts + 1):
            try:
                self.mailer.send(to, subject, body)
                return
            except AuthUnavailable:
                if attempt < self.attempts:
                    time.sleep(self.retry_after)
        # the address is not logged: the log must not say who has an account
        log.error("could not send a mail (%r) after %d attempts", subject, self.attempts)


def build_mailer(url: str | None, sender: str) -> Mailer:
    """The SMTP mailer for ``url`` (sending in the background), or the console when there
    is none (writing to the console takes no time and cannot fail)."""
    return OutgoingMail(SmtpMailer(url, sender)) if url else ConsoleMailer(sender)

"""A console a person can read: the access log shows pages and API calls (static files only
when asked), a mail printed by the console mailer stands out with its link, and a taken port
is one line that says what to do."""

from __future__ import annotations

import io
import logging
import socket
import time

from click.testing import CliRunner

from emotionpix import cli
from emotionpix.auth.mail import ConsoleMailer
from emotionpix.cli import main
from emotionpix.server import AccessLog, port_taken


def ok(environ, start_response):
    start_response("200 OK", [("Content-Length", "2")])
    return [b"ok"]


def logged(paths, log_static=False):
    stream = io.StringIO()
    log = logging.getLogger(f"test.access.{log_static}")
    log.handlers[:] = [logging.StreamHandler(stream)]
    log.setLevel(logging.INFO)
    log.propagate = False
    app = AccessLog(ok, log, log_static)
    for path in paths:
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_PROTOCOL": "HTTP/1.1"}
        assert b"".join(app(environ, lambda status, headers, exc_info=None: None)) == b"ok"
    return stream.getvalue()


PAGE_LOAD = ["/", "/static/app.css", "/static/js/app.js", "/static/js/dom.js", "/api/search"]


def test_the_access_log_leaves_static_files_out_unless_asked():
    quiet = logged(PAGE_LOAD)
    assert quiet.count("\n") == 2
    assert '"GET / HTTP/1.1" 200' in quiet
    assert '"GET /api/search HTTP/1.1" 200' in quiet
    assert "/static/" not in quiet
    assert logged(PAGE_LOAD, log_static=True).count("\n") == 5


def test_a_console_mail_stands_out_with_its_link():
    stream = io.StringIO()
    link = "http://localhost:5000/confirm?token=abc.def"
    ConsoleMailer("EmotionPix <no-reply@localhost>", stream).send(
        "filmfan@example.com", "Confirm your EmotionPix account", f"Open it:\n\n{link}\n\nBye."
    )
    lines = stream.getvalue().splitlines()
    assert lines[0] == ""  # a blank line before: never glued to a log line
    assert lines[1].startswith("+== MAIL to filmfan@example.com ")
    assert f"|   >>> {link}" in lines
    assert "| Subject: Confirm your EmotionPix account" in lines
    assert lines[-2:] == ["+" + "=" * 78 + "+", ""]  # ruled off, a blank line after


def test_a_taken_port_is_one_line_suggesting_another(monkeypatch):
    def not_now(*args, **kwargs):
        raise AssertionError("a taken port is said before anything else happens")

    monkeypatch.setattr(cli, "_app", not_now)  # no app built, no models loaded first
    monkeypatch.setattr(time, "sleep", not_now)  # no waiting for the port to come free
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert port_taken("127.0.0.1", port)
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0  # one line
    assert f"Port {port} is already in use" in result.output
    assert f"--port {port + 1}" in result.output
    assert "Can't connect" not in result.output


def test_a_free_port_is_free():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert not port_taken("127.0.0.1", port)

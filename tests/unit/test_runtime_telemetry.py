"""ONNX Runtime's telemetry stays off (issue 29, finding 13): left on, importing the runtime
writes a device id and an events database under the user's cache folder."""

import os
import subprocess
import sys

import onnxruntime

from emotionpix.emotion import runtime

MODEL = "blazeface_short_range.onnx"


def test_making_a_session_leaves_nothing_in_the_cache_folder(tmp_path):
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ORT_DISABLE_TELEMETRY"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(cache))
    code = f"from emotionpix.emotion.runtime import make_session; make_session({MODEL!r})"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    written = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    assert written == []


def test_telemetry_events_are_disabled_where_sessions_are_made(monkeypatch):
    calls = []
    monkeypatch.setattr(onnxruntime, "disable_telemetry_events", lambda: calls.append(True))
    runtime.make_session(MODEL)
    assert calls == [True]

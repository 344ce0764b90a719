"""``emotionpix serve`` as the README starts it, while 50 clients trickle their headers and
some their uploads, a byte a second: every health probe is still answered within a second.
(Issue 29: Gunicorn's gthread worker, the default before, answered none within 10 s.)"""

import os
import sys
from pathlib import Path

import pytest

from tests.integration.server import Probing, Trickler, free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_default_server_answers_while_slow_clients_trickle(tmp_path):
    port = free_port()
    script = Path(sys.executable).with_name("emotionpix")
    env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / "instance")}
    command = [str(script), "serve", "--port", str(port)]  # the README's, on a free port
    with (
        serving(command, port, env, tmp_path / "serve.log"),
        Trickler(port, headers=50, bodies=6, interval=1.0),
    ):
        probing = Probing().run(port, ["/healthz"], every=0.5, seconds=20, timeout=5)
    assert len(probing.results) >= 38
    late = [p for p in probing.results if p.status != 200 or p.seconds > 1]
    assert late == [], probing.summary()

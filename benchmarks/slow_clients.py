#!/usr/bin/env python3
"""How ``emotionpix serve`` answers while slow clients trickle their requests (slowloris).

    python benchmarks/slow_clients.py                                  # every set-up below
    python benchmarks/slow_clients.py --setup waitress --setup gthread --headers 50 --bodies 8
    python benchmarks/slow_clients.py --target 127.0.0.1:8080          # a server already up

Each set-up starts ``emotionpix serve`` on a free port with a temporary instance folder:
``default`` (no ``--server``, as the README runs it), ``waitress`` (``--server waitress``),
``gthread`` (``--server gunicorn``: one Gunicorn worker of 8 threads, the default before
issue 29) and ``gthread-2`` (``--server gunicorn --workers 2``). Then ``--headers``
connections send a GET's headers one byte a second and ``--bodies`` connections send a
photo upload's body one byte a second (half with a Content-Length, half chunked), for
``--duration`` seconds, while ``/healthz`` and ``/api/recommendations`` are asked in turn
every ``--every`` seconds, each on a new connection, waiting at most ``--timeout`` seconds.
A slow connection the server closes is opened again ("reopened").
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.server import Probing, Trickler, free_port, serving  # noqa: E402

SETUPS = {
    "default": [],
    "waitress": ["--server", "waitress"],
    "gthread": ["--server", "gunicorn"],
    "gthread-2": ["--server", "gunicorn", "--workers", "2"],
}
PATHS = ["/healthz", "/api/recommendations?emotion=happy"]


def measure(port: int, args: argparse.Namespace) -> str:
    with Trickler(port, args.headers, args.bodies) as slow:
        probing = Probing().run(port, PATHS, args.every, args.duration, args.timeout)
    lines = [f"  all: {probing.summary()}"]
    for path in PATHS:
        mine = Probing([p for p in probing.results if p.path == path])
        lines.append(f"  {path}: {mine.summary()}")
    lines.append(f"  slow connections reopened after the server closed them: {slow.reopened}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--setup", action="append", choices=SETUPS, help="(repeatable)")
    parser.add_argument("--target", help="HOST:PORT of a server already running")
    parser.add_argument("--headers", type=int, default=50, help="connections trickling headers")
    parser.add_argument("--bodies", type=int, default=8, help="connections trickling uploads")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--every", type=float, default=0.5, help="seconds between probes")
    parser.add_argument("--timeout", type=float, default=10.0, help="a probe's patience")
    args = parser.parse_args()
    print(
        f"{args.headers} header and {args.bodies} body tricklers, {args.duration:g} s, a probe "
        f"every {args.every:g} s (patience {args.timeout:g} s), load {os.getloadavg()[0]:.1f}"
    )
    if args.target:
        print(f"{args.target}:\n{measure(int(args.target.rsplit(':', 1)[1]), args)}")
        return
    for setup in args.setup or list(SETUPS):
        port = free_port()
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "EMOTIONPIX_INSTANCE_PATH": folder}
            command = [sys.executable, "-m", "emotionpix", "serve", "--port", str(port)]
            with serving([*command, *SETUPS[setup]], port, env, Path(folder) / "serve.log"):
                print(f"{setup} (emotionpix serve {' '.join(SETUPS[setup])}):", flush=True)
                print(measure(port, args), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""What signing in costs, and whether its time tells anything: the p50/p95 of a sign-in with
the right password, a wrong one, and an email that has no account (the answer must take
as long as a wrong password: a decoy hash is checked), and of a sign-up, with the argon2id
profile the app uses by default.

    python benchmarks/bench_auth.py [--rounds 30] [--hashing low-memory] [--json]

In-process (Flask's test client, no network), on a fresh temporary instance folder.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import statistics
import tempfile
import time
from typing import Any

from emotionpix import create_app

PASSWORD = "tangerine velvet harbour"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
LINK = re.compile(r"http://localhost/confirm\?token=(\S+)")


def timed(call: Any, rounds: int) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--hashing", default="low-memory", choices=["low-memory", "high-memory"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    app = create_app(
        {
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="emotionpix-bench-auth-"),
            "PASSWORD_HASHING": args.hashing,
            "RATELIMIT_ENABLED": False,
        }
    )
    outbox = io.StringIO()
    app.extensions["emotionpix.auth.mailer"].stream = outbox
    client = app.test_client()

    def token() -> str:
        found = CSRF.search(client.get("/signin").get_data(as_text=True))
        assert found
        return found.group(1)

    def post(path: str, **data: str) -> int:
        return client.post(path, data={**data, "csrf_token": token()}).status_code

    counter = iter(range(10**6))
    results = {
        "sign_up": timed(
            lambda: post("/signup", email=f"u{next(counter)}@example.com", password=PASSWORD),
            args.rounds,
        )
    }
    link = LINK.findall(outbox.getvalue())[0]
    client.get(f"/confirm?token={link}")
    post("/confirm", token=link)
    client.post("/signout", data={"csrf_token": token()})
    results["sign_in_right_password"] = timed(
        lambda: (
            post("/signin", email="u0@example.com", password=PASSWORD),
            client.post("/signout", data={"csrf_token": token()}),
        ),
        args.rounds,
    )
    results["sign_in_wrong_password"] = timed(
        lambda: post("/signin", email="u0@example.com", password="not the password at all"),
        args.rounds,
    )
    results["sign_in_unknown_email"] = timed(
        lambda: post("/signin", email="nobody@example.com", password="not the password at all"),
        args.rounds,
    )
    results["page_overhead"] = timed(token, args.rounds)
    if args.json:
        print(json.dumps({"hashing": args.hashing, **results}, indent=2))
        return
    print(f"argon2id profile: {args.hashing}, {args.rounds} rounds each (in-process)")
    for name, figures in results.items():
        print(f"  {name:<24} p50 {figures['p50_ms']:>7.1f} ms   p95 {figures['p95_ms']:>7.1f} ms")


if __name__ == "__main__":
    main()

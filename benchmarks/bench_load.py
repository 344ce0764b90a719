#!/usr/bin/env python3
"""A bounded load test of the HTTP API on 127.0.0.1: guests' recommendations, search,
details and face uploads, with p50/p95/p99 per endpoint, errors and throughput.

    python benchmarks/bench_load.py --setup embedded --users 50 --think 0.5 --duration 20
    python benchmarks/bench_load.py --setup scaled --sweep 10,20,30,40 --think 0 --duration 10
    python benchmarks/bench_load.py --target http://127.0.0.1:5000 --users 50

``--setup embedded`` starts ``emotionpix serve --workers 2`` on the defaults (SQLite in a
temporary instance folder); ``--setup scaled`` starts two servers of one worker each on a new
PostgreSQL database (127.0.0.1:5432) and Redis (127.0.0.1:6379, a key prefix of its own)
behind nginx with deploy/nginx.conf. Each simulated user keeps one keep-alive connection,
sends a request, waits for the answer, then thinks ``--think`` seconds. The mix: 70 %
recommendations (the seven emotions, a fifth of them "lift", some second pages), 10 % search,
10 % details, 10 % uploads of a 640x480 JPEG face (scikit-image's astronaut, resized).
``--signed-in`` of the users (30 % by default) are signed in: accounts are made with
``emotionpix users create`` before the servers start, each such user signs in once before
the run (not counted) and sends its session cookie with every request (the server checks the
session and leaves the account's seen films out); their figures are reported as
``<endpoint>+signed``. The servers' rate limits are raised above what one address sends here
(every simulated user comes from 127.0.0.1), so that they are counted but refuse nothing.
Every run stops at ``--duration`` seconds or
``--max-requests``, whichever comes first, after ``--warmup`` seconds not counted (the cache
filled). The client is one asyncio thread with a minimal HTTP/1.1 reader; its own CPU time is
reported, since it shares the machine's cores with the servers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EMOTIONS = ["happy", "sad", "angry", "surprise", "neutral", "fear", "disgust"]
QUERIES = ["sholay", "dilwale", "incepton", "godfather", "amelie", "star wars", "matrix", "up"]
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"


def face_jpeg() -> bytes:
    """A 640x480 JPEG of a face: scikit-image's astronaut (public domain), resized."""
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).resize((640, 480)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


# -- the client ----------------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closes it."""

    def __init__(self, host: str, port: int, cookie: str | None = None):
        self.host, self.port, self.cookie = host, port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"", kind: str = "") -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
        if self.cookie:
            head += f"Cookie: {self.cookie}\r\n"
        if body:
            head += f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        headers = await self.reader.readuntil(b"\r\n\r\n")
        lines = headers.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        if fields.get("transfer-encoding") == "chunked":
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readuntil(b"\r\n")
        else:
            await self.reader.readexactly(int(fields.get("content-length", 0)))
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0


MIX = {"recommendations": 70, "search": 10, "details": 10, "upload": 10}


class Mix:
    """The next request a guest sends, drawn from the mix (percentages by endpoint)."""

    def __init__(
        self, rng: random.Random, ids: list[str], photo: bytes, shares: dict[str, int] = MIX
    ):
        self.rng, self.ids, self.photo = rng, ids, photo
        self.names, self.weights = list(shares), list(shares.values())

    def next(self) -> tuple[str, str, str, bytes]:
        name = self.rng.choices(self.names, self.weights)[0]
        if name == "recommendations":
            query = f"emotion={self.rng.choice(EMOTIONS)}"
            if self.rng.random() < 0.2:
                query += "&mode=lift"
            if self.rng.random() < 0.2:
                query += f"&page=2&seed={self.rng.randrange(1000)}"
            return "recommendations", "GET", f"/api/recommendations?{query}", b""
        if name == "search":
            query = urllib.parse.quote_plus(self.rng.choice(QUERIES))
            return "search", "GET", f"/api/search?q={query}", b""
        if name == "details":
            return "details", "GET", f"/api/movies/{self.rng.choice(self.ids)}", b""
        return "upload", "POST", "/api/emotion", self.photo


async def user(
    base: tuple[str, int],
    mix: Mix,
    think: float,
    stop: float,
    cap: int,
    results: Results,
    cookie: str | None = None,
) -> None:
    connection = Connection(*base, cookie)
    try:
        while time.monotonic() < stop and results.requests < cap:
            name, method, path, body = mix.next()
            name += "+signed" if cookie else ""
            results.requests += 1
            start = time.perf_counter()
            try:
                status = await connection.request(method, path, body, "image/jpeg")
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                results.errors[name] += 1
                results.statuses[type(exc).__name__] += 1
                await connection.close()
                continue
            results.latencies[name].append((time.perf_counter() - start) * 1000)
            results.statuses[str(status)] += 1
            if status != 200:
                results.errors[name] += 1
            if think:
                await asyncio.sleep(mix.rng.uniform(0.5 * think, 1.5 * think))
    finally:
        await connection.close()


async def run_load(
    url: str,
    users: int,
    think: float,
    duration: float,
    cap: int,
    mix_seed: int,
    shares: dict[str, int] = MIX,
    sessions: list[str] | None = None,
    signed_in: float = 0.0,
) -> dict[str, Any]:
    """One run; the first ``signed_in`` of the users send one of ``sessions``' cookies."""
    parsed = urllib.parse.urlsplit(url)
    base = (parsed.hostname or "127.0.0.1", parsed.port or 80)
    with urllib.request.urlopen(f"{url}/api/recommendations?emotion=happy", timeout=30) as r:
        ids = [movie["id"] for movie in json.load(r)["movies"]]
    photo = face_jpeg()
    results = Results()
    cpu, wall = time.process_time(), time.perf_counter()
    servers = tree_cpu_seconds(SERVER_PIDS)
    stop = time.monotonic() + duration
    signed = round(users * signed_in) if sessions else 0
    await asyncio.gather(
        *(
            user(
                base,
                Mix(random.Random(mix_seed + i), ids, photo, shares),
                think,
                stop,
                cap,
                results,
                sessions[i % len(sessions)] if sessions and i < signed else None,
            )
            for i in range(users)
        )
    )
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    servers = tree_cpu_seconds(SERVER_PIDS) - servers
    endpoints = {name: summary(samples) for name, samples in sorted(results.latencies.items())}
    every = [ms for samples in results.latencies.values() for ms in samples]
    return {
        "users": users,
        "signed_in_users": signed,
        "think_s": think,
        "seconds": round(wall, 2),
        "requests": results.requests,
        "throughput_rps": round(results.requests / wall, 1),
        "all": summary(every),
        "endpoints": endpoints,
        "errors": sum(results.errors.values()),
        "errors_by_endpoint": dict(results.errors),
        "statuses": dict(results.statuses),
        "client_cpu_s": round(cpu, 2),
        "client_cpu_share_of_one_core": round(cpu / wall, 3),
        "server_cpu_s": round(servers, 2),
        "server_cpu_ms_per_request": round(servers / max(results.requests, 1) * 1000, 2),
    }


def summary(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
    }


# -- accounts --------------------------------------------------------------------------------

PASSWORD = "tangerine velvet harbour"
ACCOUNTS = 20  # signed-in users share these accounts (a session each is not needed)
# Every simulated user comes from 127.0.0.1: limits above what the run sends, still counted.
LIMITS = {
    "EMOTIONPIX_RATE_LIMIT_AUTH": "100000 per minute",
    "EMOTIONPIX_RATE_LIMIT_EMOTION": "100000 per minute",
}


def create_accounts(env: dict[str, str], count: int = ACCOUNTS) -> None:
    """Verified local accounts load1@example.com … (as an operator makes them)."""
    script = str(Path(sys.executable).with_name("emotionpix"))
    for n in range(1, count + 1):
        subprocess.run(
            [script, "users", "create", f"load{n}@example.com", "--verified"],
            input=f"{PASSWORD}\n",
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )


def sign_in(url: str, email: str) -> str:
    """Sign in through the page's form (its CSRF token included); the session cookie."""
    import http.cookiejar
    import re

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{url}/signin", timeout=30).read().decode()
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found, "no CSRF token on the sign-in page"
    form = urllib.parse.urlencode(
        {"email": email, "password": PASSWORD, "csrf_token": found.group(1)}
    ).encode()
    opener.open(f"{url}/signin", form, timeout=30).close()
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "session" in cookies, f"{email} could not sign in"
    return f"session={cookies['session']}"


# -- the servers ---------------------------------------------------------------------------

SERVER_PIDS: list[int] = []  # the processes started here (their children count too)


def tree_cpu_seconds(roots: list[int]) -> float:
    """CPU time used so far by ``roots`` and every process below them (from /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid, seconds in times.items():
        ancestor = pid
        while ancestor > 1 and ancestor not in roots:
            ancestor = parents.get(ancestor, 1)
        if ancestor in roots:
            total += seconds
    return total


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline or (process and process.poll() is not None):
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def app_server(port: int, workers: int, env: dict[str, str], log: Path) -> Iterator[str]:
    script = str(Path(sys.executable).with_name("emotionpix"))
    command = [script, "serve", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    SERVER_PIDS.append(process.pid)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextlib.contextmanager
def nginx(listen: int, upstreams: list[int]) -> Iterator[str]:
    """deploy/nginx.conf with this run's ports and folder (as the scale-out test runs it)."""
    folder = Path(tempfile.mkdtemp(prefix="emotionpix-nginx-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "www-data", "www-data")
        as_user = ["runuser", "-u", "www-data", "--"]
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    for old, new in {
        "127.0.0.1:8080": f"127.0.0.1:{listen}",
        "127.0.0.1:8001": f"127.0.0.1:{upstreams[0]}",
        "127.0.0.1:8002": f"127.0.0.1:{upstreams[1]}",
        "/var/lib/emotionpix-nginx": str(folder),
    }.items():
        text = text.replace(old, new)
    (folder / "nginx.conf").write_text(text)
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [*as_user, binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)]
    process = subprocess.Popen([*command, "-e", str(folder / "error.log"), "-g", "daemon off;"])
    SERVER_PIDS.append(process.pid)
    try:
        url = f"http://127.0.0.1:{listen}"
        wait_for(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def embedded(folder: Path) -> Iterator[str]:
    env = {**os.environ, **LIMITS, "EMOTIONPIX_INSTANCE_PATH": str(folder / "instance")}
    create_accounts(env)
    with app_server(free_port(), 2, env, folder / "server.log") as url:
        yield url


@contextlib.contextmanager
def scaled(folder: Path) -> Iterator[str]:
    from sqlalchemy import create_engine, text

    name = f"emotionpix_bench_{uuid.uuid4().hex[:8]}"
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    admin = create_engine(f"{POSTGRES}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    env = {
        **os.environ,
        **LIMITS,
        "EMOTIONPIX_TRUSTED_PROXIES": "1",
        "EMOTIONPIX_RATELIMIT_KEY_PREFIX": f"{prefix}limits",
        "EMOTIONPIX_DATABASE_URL": f"{POSTGRES}/{name}",
        "EMOTIONPIX_CACHE_URL": REDIS,
        "EMOTIONPIX_CACHE_KEY_PREFIX": prefix,
        "EMOTIONPIX_SECRET_KEY": uuid.uuid4().hex * 2,
    }
    script = str(Path(sys.executable).with_name("emotionpix"))
    try:
        subprocess.run([script, "db", "upgrade"], env=env, check=True, capture_output=True)
        create_accounts(env)
        ports = [free_port(), free_port()]
        with contextlib.ExitStack() as stack:
            for i, port in enumerate(ports):
                each = {**env, "EMOTIONPIX_INSTANCE_PATH": str(folder / f"instance-{i}")}
                stack.enter_context(app_server(port, 1, each, folder / f"server-{i}.log"))
            yield stack.enter_context(nginx(free_port(), ports))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
        import redis

        client = redis.Redis.from_url(REDIS)
        keys = list(client.scan_iter(match=f"*{prefix}*"))  # the limits' keys too
        if keys:
            client.delete(*keys)
        client.close()


# -- the command ---------------------------------------------------------------------------


def print_run(run: dict[str, Any]) -> None:
    print(
        f"{run['users']:4d} users ({run['signed_in_users']} signed in), think {run['think_s']} s: "
        f"{run['requests']} requests in "
        f"{run['seconds']} s = {run['throughput_rps']} req/s, {run['errors']} errors; "
        f"client CPU {run['client_cpu_s']} s ({run['client_cpu_share_of_one_core']:.0%} "
        f"of one core); servers' CPU {run['server_cpu_ms_per_request']} ms a request"
    )
    for name, figures in [("all", run["all"]), *run["endpoints"].items()]:
        if figures["n"]:
            print(
                f"      {name:16} n={figures['n']:6d}  p50 {figures['p50_ms']:7.1f}  "
                f"p95 {figures['p95_ms']:7.1f}  p99 {figures['p99_ms']:7.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--setup", choices=["embedded", "scaled"])
    where.add_argument("--target", help="a running server, http://127.0.0.1:PORT")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--sweep", help="user counts to run one after another, e.g. 10,20,40")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between requests")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per run")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per run")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds, not counted")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    parser.add_argument(
        "--signed-in", type=float, default=0.3, help="share of signed-in users (--setup only)"
    )
    parser.add_argument(
        "--mix", help="percent by endpoint, e.g. recommendations=70,search=10,details=10,upload=10"
    )
    parser.add_argument(
        "--pid", type=int, action="append", default=[], help="with --target: the server's "
        "process (and its children), whose CPU use is reported"
    )  # fmt: skip
    args = parser.parse_args()
    SERVER_PIDS.extend(args.pid)
    if args.target and urllib.parse.urlsplit(args.target).hostname not in {
        "127.0.0.1",
        "localhost",
    }:
        parser.error("the load generator only targets 127.0.0.1")
    counts = [int(n) for n in args.sweep.split(",")] if args.sweep else [args.users]
    shares = MIX
    if args.mix:
        shares = {k: int(v) for k, _, v in (part.partition("=") for part in args.mix.split(","))}
        if not set(shares) <= set(MIX):
            parser.error(f"--mix names endpoints among {', '.join(MIX)}")

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        if args.target:
            url = args.target.rstrip("/")
        else:
            url = stack.enter_context((embedded if args.setup == "embedded" else scaled)(Path(tmp)))
        # Accounts exist only on the servers started here.
        signed_in = 0.0 if args.target else args.signed_in
        sessions = (
            []
            if args.target
            else [sign_in(url, f"load{n}@example.com") for n in range(1, ACCOUNTS + 1)]
        )
        if args.warmup:
            asyncio.run(run_load(url, max(counts), 0.0, args.warmup, args.max_requests, 99, MIX))
        runs = []
        for users in counts:
            run = asyncio.run(
                run_load(
                    url,
                    users,
                    args.think,
                    args.duration,
                    args.max_requests,
                    users,
                    shares,
                    sessions,
                    signed_in,
                )
            )
            runs.append(run)
            if not args.json:
                print_run(run)
    passing = [r for r in runs if r["errors"] == 0 and r["all"].get("p95_ms", 1e9) <= 100]
    best = max(passing, key=lambda r: r["throughput_rps"], default=None)
    report = {"setup": args.setup or args.target, "runs": runs, "best_at_p95_100ms": best and {
        "users": best["users"], "throughput_rps": best["throughput_rps"],
        "p95_ms": best["all"]["p95_ms"]}}  # fmt: skip
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    elif best:
        print(
            f"highest throughput with p95 <= 100 ms and no errors: {best['throughput_rps']} "
            f"req/s ({best['users']} users, p95 {best['all']['p95_ms']} ms)"
        )


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Movie-night rooms under load: ``--rooms`` rooms of ``--members`` people on
``emotionpix serve --workers 2`` (SQLite in a temporary instance folder), every member's page
polling its room each second (``?since=<version>``) while the members change their moods,
veto and vote at random (each about every ``--every`` seconds), all rooms at once. Reports
p50/p95/p99 of each kind of request, of a room
update (mood, veto, vote: the answer that carries the changed room), and how long a change
took to reach the other members' pages; errors (5xx, transport) and refusals (4xx, races
such as voting for a film another member just vetoed) separately.

    python benchmarks/bench_rooms.py --rooms 50 --members 4 --every 10 --duration 20

The rooms' rate limit counts every member here as one address (127.0.0.1), so the server
runs with EMOTIONPIX_RATELIMIT_ENABLED=false. The client is one asyncio thread sharing the
machine's cores with the server; its CPU time is reported, and so is the server's (its
processes' CPU seconds while the run was counted, and per request): on a machine shared
with other work that figure moves less than the latencies do.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
from bench_load import SERVER_PIDS, app_server, free_port, summary, tree_cpu_seconds

EMOTIONS = ["happy", "sad", "angry", "surprise", "neutral", "fear", "disgust"]
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def server_cpu() -> float:
    """CPU seconds used so far by the server's processes (Gunicorn's and its workers)."""
    return tree_cpu_seconds(SERVER_PIDS)


class Member:
    def __init__(self, url: str, name: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=30)
        self.name = name
        self.state: dict[str, Any] = {}
        self.version = 0

    async def start(self) -> None:
        page = await self.client.get("/")
        found = TOKEN.search(page.text)
        assert found, "no CSRF token on the page"
        self.client.headers["X-CSRFToken"] = found.group(1)


class Run:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)
        self.changed_at: dict[tuple[str, int], float] = {}  # (room, version) -> when answered
        self.seen_after: list[float] = []
        self.counting = False

    async def call(self, member: Member, kind: str, method: str, path: str, body: Any = None):
        start = time.perf_counter()
        try:
            answer = await member.client.request(method, path, json=body)
        except httpx.HTTPError:
            if self.counting:
                self.errors[kind] += 1
            return None
        took = (time.perf_counter() - start) * 1000
        if not self.counting:
            return answer
        if answer.status_code >= 500:
            self.errors[kind] += 1
        elif answer.status_code >= 400:
            self.refused[f"{kind} {answer.json().get('error')}"] += 1
        else:
            self.latency[kind].append(took)
            if kind != "poll":
                self.latency["room update"].append(took)
        return answer


async def member_loop(
    run: Run, room: str, member: Member, voter: bool, stop: float, every: float
) -> None:
    await asyncio.sleep(random.uniform(0, 1))  # pages opened at different moments
    next_update = time.monotonic() + random.uniform(0, every)
    while time.monotonic() < stop:
        answer = await run.call(member, "poll", "GET", f"/api/rooms/{room}?since={member.version}")
        if answer is not None and answer.status_code == 200:
            member.state = answer.json()
            member.version = member.state["version"]
            when = run.changed_at.get((room, member.version))
            if when is not None and run.counting:
                run.seen_after.append((time.perf_counter() - when) * 1000)
        if time.monotonic() >= next_update:
            next_update = time.monotonic() + random.uniform(0.5, 1.5) * every
            films = [f["id"] for f in member.state.get("movies", [])]
            roll = random.random()
            if roll < 0.5 or not films:
                kind, action, body = "mood", "mood", {"emotion": random.choice(EMOTIONS)}
            elif roll < 0.8 and voter:
                kind, action, body = "vote", "vote", {"movie_id": random.choice(films[:5])}
            else:
                kind, action, body = "veto", "veto", {"movie_id": random.choice(films[5:] or films)}
            answer = await run.call(member, kind, "POST", f"/api/rooms/{room}/{action}", body)
            if answer is not None and answer.status_code == 200:
                member.state = answer.json()
                member.version = member.state["version"]
                run.changed_at[(room, member.version)] = time.perf_counter()
        await asyncio.sleep(max(0.0, 1.0 - random.uniform(0, 0.05)))


async def main_async(url: str, args: argparse.Namespace) -> dict[str, Any]:
    run = Run()
    rooms: list[tuple[str, list[Member]]] = []
    for number in range(args.rooms):  # set-up, not counted
        members = [Member(url, f"M{number}-{n}") for n in range(args.members)]
        for member in members:
            await member.start()
        code = (await members[0].client.post("/api/rooms", json={"name": "Host"})).json()["code"]
        for member in members[1:]:
            await member.client.post(f"/api/rooms/{code}/join", json={"name": member.name})
        for member in members:
            await member.client.post(
                f"/api/rooms/{code}/mood", json={"emotion": random.choice(EMOTIONS)}
            )
        rooms.append((code, members))
    stop = time.monotonic() + args.warmup + args.duration
    loop = asyncio.get_running_loop()
    cpu_at: list[float] = []

    def count() -> None:
        run.counting = True
        cpu_at.append(server_cpu())

    loop.call_later(args.warmup, count)
    cpu = time.process_time()
    tasks = [
        # the host never votes, so the rooms never close
        member_loop(run, code, member, voter=n > 0, stop=stop, every=args.every)
        for code, members in rooms
        for n, member in enumerate(members)
    ]
    await asyncio.gather(*tasks)
    server_s = server_cpu() - cpu_at[0]
    requests = sum(len(samples) for kind, samples in run.latency.items() if kind != "room update")
    for _, members in rooms:
        for member in members:
            await member.client.aclose()
    return {
        "rooms": args.rooms,
        "members": args.members,
        "seconds": args.duration,
        "change_every_s": args.every,
        "latency": {kind: summary(samples) for kind, samples in sorted(run.latency.items())},
        "change_seen_by_others_ms": summary(run.seen_after),
        "errors": dict(run.errors),
        "refused": dict(run.refused),
        "client_cpu_s": round(time.process_time() - cpu, 1),
        "server_cpu_s": round(server_s, 1),
        "server_cpu_ms_per_request": round(server_s * 1000 / max(1, requests), 2),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--members", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--every", type=float, default=10, help="mean seconds between a member's changes"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="emotionpix-bench-rooms-"))
    env = {
        **os.environ,
        "EMOTIONPIX_INSTANCE_PATH": str(folder / "instance"),
        "EMOTIONPIX_RATELIMIT_ENABLED": "false",
    }
    with app_server(free_port(), args.workers, env, folder / "server.log") as url:
        result = asyncio.run(main_async(url, args))
    import json

    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

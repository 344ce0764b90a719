"""A movie night across two app servers (``emotionpix serve``) sharing one PostgreSQL and
one Redis, as deployed: each member's requests go to either server, and every one of them
sees the same room — join, moods, the room's mood and films, a veto removing a film for
all, the votes reaching a pick, 403/404 — and the room's rate limit is counted for both
servers together (in Redis). Expiry is tested with a fake clock in tests/web/test_rooms.py."""

import contextlib
import itertools
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from emotionpix.cache.redis import connect
from tests.integration.server import free_port, serving
from tests.integration.test_scale_out import REDIS_URL, Browser, server_environment

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def prefix():
    """This run's Redis keys (cache and limits), deleted afterwards."""
    prefix = f"test:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = connect(REDIS_URL, timeout=2.0)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


class Member(Browser):
    """A browser whose requests go to the servers in turn (as a load balancer may send them)."""

    def __init__(self, bases: list[str]) -> None:
        super().__init__(bases[0])
        self.turns = itertools.cycle(bases)

    def call(self, path, data=None, headers=None):
        self.base = next(self.turns)
        return super().call(path, data, headers)


def test_a_room_across_two_servers_on_postgresql_and_redis(postgres_url, prefix, tmp_path):
    ports = [free_port(), free_port()]
    env = {
        **os.environ,
        **server_environment(
            DATABASE_URL=postgres_url,
            CACHE_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=f"{prefix}limits",
            SECRET_KEY="one-secret-for-every-server-" + uuid.uuid4().hex,
        ),
    }
    script = str(Path(sys.executable).with_name("emotionpix"))
    subprocess.run([script, "db", "upgrade"], env=env, capture_output=True, check=True)
    with contextlib.ExitStack() as stack:
        bases = []
        for port in ports:
            command = [script, "serve", "--workers", "1", "--threads", "4", "--port", str(port)]
            server_env = {**env, "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / f"instance-{port}")}
            bases.append(
                stack.enter_context(serving(command, port, server_env, tmp_path / f"{port}.log"))
            )
        ana, ben, cara = Member(bases), Member(bases[::-1]), Member(bases)
        status, opened = ana.json("/api/rooms", {"name": "Ana"})
        assert status == 201
        code = opened["code"]
        for name, member in (("Ben", ben), ("Cara", cara)):
            assert member.json(f"/api/rooms/{code}/join", {"name": name})[0] == 200

        ana.json(f"/api/rooms/{code}/mood", {"emotion": "happy"})
        ben.json(f"/api/rooms/{code}/mood", {"emotions": {"sad": 0.7, "neutral": 0.3}})
        status, state = cara.json(f"/api/rooms/{code}/mood", {"emotion": "happy"})
        assert status == 200
        assert [m["emotion"] for m in state["members"]] == ["happy", "sad", "happy"]
        assert state["mood"]["emotion"] == "happy"
        films = state["movies"]
        assert films
        assert "Ben (sad)" in films[0]["reason"]
        for member in (ana, ben, ana, ben):  # either server: the same room
            status, seen = member.json(f"/api/rooms/{code}")
            assert status == 200
            assert seen["movies"] == films
        version = seen["version"]
        assert ana.call(f"/api/rooms/{code}?since={version}").status == 204
        assert ana.call(f"/api/rooms/{code}?since={version}").status == 204

        # A veto on one server is seen on the other.
        vetoed = films[0]["id"]
        ben.json(f"/api/rooms/{code}/veto", {"movie_id": vetoed})
        for member in (ana, cara, ana):
            _, seen = member.json(f"/api/rooms/{code}")
            assert vetoed not in [f["id"] for f in seen["movies"]]
            assert seen["vetoed"][0]["by"] == "Ben"

        # Votes through both servers reach the pick.
        choice = seen["movies"][0]["id"]
        for member in (ana, ben, cara):
            _, state = member.json(f"/api/rooms/{code}/vote", {"movie_id": choice})
        assert state["pick"]["id"] == choice
        assert ben.json(f"/api/rooms/{code}")[1]["pick"]["id"] == choice

        # 403 for a stranger, 404 for no room; strangers' looks, joins and new rooms are
        # counted together for both servers: 30 per 10 minutes from this address (4 so far).
        stranger = Member(bases)
        assert stranger.json(f"/api/rooms/{code}")[0] == 403
        looks = [stranger.json("/api/rooms/ZZZZZZZZ")[0] for _ in range(27)]
        assert looks == [404] * 26 + [429]  # one count, in Redis, for both servers
        assert ana.json(f"/api/rooms/{code}")[0] == 200  # members still follow their room

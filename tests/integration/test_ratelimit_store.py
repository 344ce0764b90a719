"""The Redis that counts rate limits hangs (SIGSTOP) or dies: no request waits seconds for
it (RATELIMIT_STORAGE_TIMEOUT, 0.3 s, once), sign-in fails closed — an address that was
refused stays refused, in every process — photo analysis is counted per process, /healthz
says so within a second (200, "degraded"), and the limits are shared again once it is back.
The Redis is the test's own (another port), never the shared server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from emotionpix.protection import limiter
from tests.accounts import sign_in
from tests.images import webcam_frame
from tests.integration.private_redis import PrivateRedis

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# The most one request may cost for the store: its timeout (0.3 s) and the request's work.
STORE_DEADLINE = 1.0


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.close()
    # Flask-Limiter's fallback state belongs to its one (module-level) limiter: the apps of
    # the tests that come next start with their store presumed up, as a new process would.
    limiter._storage_dead = False


@pytest.fixture
def limited(make_app, private_redis):
    app = make_app(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=private_redis.url,
        RATE_LIMIT_AUTH="3 per minute",
        RATE_LIMIT_EMOTION="5 per minute",
    )
    return app.test_client()


def timed(call):
    started = time.monotonic()
    answer = call()
    return answer, time.monotonic() - started


def guess(client):
    return sign_in(client, "ann@example.com", "some guess here")


def analyse(client):
    return client.post("/api/emotion", data=webcam_frame(), content_type="image/jpeg")


def test_a_hung_store_costs_one_short_timeout_and_sign_in_fails_closed(limited, private_redis):
    assert guess(limited).status_code == 401  # counted in Redis
    private_redis.freeze()
    try:
        answers = [timed(lambda: guess(limited)) for _ in range(3)]
        uploads = [timed(lambda: analyse(limited)) for _ in range(3)]
        health, health_took = timed(lambda: limited.get("/healthz"))
    finally:
        private_redis.thaw()
    print(
        "\nsign-in while Redis hung:",
        [(a.status_code, round(t, 3)) for a, t in answers],
        "uploads:",
        [(a.status_code, round(t, 3)) for a, t in uploads],
        f"/healthz {health.status_code} in {health_took:.3f} s",
    )
    assert all(took <= STORE_DEADLINE for _, took in answers + uploads)
    assert [a.status_code for a, _ in answers] == [429, 429, 429]
    assert "Too many requests" in answers[0][0].get_data(True)
    assert [a.status_code for a, _ in uploads] == [200, 200, 200]  # counted in memory
    assert health_took <= 1.0
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["checks"]["rate_limit_store"].startswith("unreachable")
    assert health.get_json()["checks"]["database"] == "ok"


def test_an_address_refused_stays_refused_when_the_store_dies(limited, private_redis):
    assert [guess(limited).status_code for _ in range(4)] == [401, 401, 401, 429]
    private_redis.stop()
    # Before: each process's fresh memory gave the address 3 more guesses (10 in production).
    assert [guess(limited).status_code for _ in range(10)] == [429] * 10


def test_the_limits_are_shared_again_once_the_store_is_back(limited, private_redis):
    private_redis.freeze()
    try:
        assert guess(limited).status_code == 429
    finally:
        private_redis.thaw()
    deadline = time.monotonic() + 40  # Flask-Limiter asks again after 1, 2, 4 … 32 s
    while (status := guess(limited).status_code) == 429:
        assert time.monotonic() < deadline, "the store was not used again"
        time.sleep(0.5)
    assert status == 401
    health = limited.get("/healthz").get_json()
    assert (health["status"], health["checks"]["rate_limit_store"]) == ("ok", "ok")

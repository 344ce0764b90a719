"""The one way out to a movie API (providers/http.py), against a real HTTP stand-in on
127.0.0.1: retries, Retry-After, timeouts, malformed answers, a server going down, the
circuit breaker, parallel calls, and secrets that never leak."""

import logging

import pytest

from emotionpix.breaker import CircuitBreaker
from emotionpix.providers.base import ProviderError
from emotionpix.providers.http import HttpClient, HttpSettings
from tests.standins import tmdb

pytestmark = pytest.mark.integration  # real HTTP servers on 127.0.0.1


class Sleeps(list):
    """Records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def make_client(tmdb_api, sleeps, clock):
    clients = []

    def factory(**settings):
        values = {"base_url": f"{tmdb_api.url}/3", "retries": 2, "read_timeout": 2.0, **settings}
        client = HttpClient(
            "TMDB",
            HttpSettings(**values),
            params={"api_key": tmdb.API_KEY},
            secrets=[tmdb.API_KEY],
            quota_headers=["X-Custom-Quota"],
            sleep=sleeps,
            clock=clock,
        )
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


def test_a_good_answer(make_client, tmdb_api):
    genres = make_client().get_json("genre/movie/list")["genres"]
    assert {g["name"] for g in genres} >= {"Comedy", "Horror"}
    assert tmdb_api.requests[0]["args"]["api_key"] == tmdb.API_KEY


def test_5xx_is_retried_with_growing_backoff(make_client, tmdb_api, sleeps):
    tmdb_api.fail(503, times=2)
    client = make_client(backoff=0.1)
    assert client.get_json("genre/movie/list")["genres"]
    assert sleeps == [0.1, 0.2]
    assert len(tmdb_api.requests) == 3
    assert (client.stats()["retries"], client.stats()["errors"]) == (2, 0)


def test_retries_are_bounded(make_client, tmdb_api):
    tmdb_api.fail(500, times=10)
    with pytest.raises(ProviderError, match=r"TMDB genre/movie/list: failed \(500\)"):
        make_client(retries=2).get_json("genre/movie/list")
    assert len(tmdb_api.requests) == 3


def test_429_waits_as_long_as_retry_after_says(make_client, tmdb_api, sleeps):
    tmdb_api.fail(429, headers={"Retry-After": "2"})
    assert make_client().get_json("configuration")["images"]
    assert sleeps == [2.0]


def test_a_retry_after_too_long_to_wait_for_fails_at_once(make_client, tmdb_api, sleeps):
    tmdb_api.fail(429, times=3, headers={"Retry-After": "120"})
    with pytest.raises(ProviderError, match="rate limiting"):
        make_client(max_retry_after=3).get_json("configuration")
    assert (sleeps, len(tmdb_api.requests)) == ([], 1)


def test_401_is_not_retried_and_says_check_the_key(make_client, tmdb_api):
    tmdb_api.fail(401, body='{"success": false, "status_code": 7}')
    with pytest.raises(ProviderError, match="check the API key"):
        make_client().get_json("configuration")
    assert len(tmdb_api.requests) == 1


def test_404_is_none_when_missing_is_expected(make_client):
    client = make_client()
    assert client.get_json("movie/1", missing_ok=True) is None
    with pytest.raises(ProviderError, match="answered 404"):
        client.get_json("movie/1")


def test_an_answer_slower_than_the_read_timeout(make_client, tmdb_api):
    tmdb_api.delay = 0.5
    with pytest.raises(ProviderError, match=r"did not answer within 0\.2 s"):
        make_client(read_timeout=0.2).get_json("configuration")
    assert len(tmdb_api.requests) == 1  # a timeout is not retried: the user is waiting


def test_an_answer_that_is_not_json(make_client, tmdb_api):
    tmdb_api.malformed()
    with pytest.raises(ProviderError, match="not JSON"):
        make_client().get_json("configuration")


def test_a_server_that_went_down(make_client, tmdb_api, sleeps):
    client = make_client(retries=1)
    client.get_json("configuration")
    tmdb_api.stop()
    with pytest.raises(ProviderError, match="could not be reached"):
        client.get_json("configuration")
    assert len(sleeps) == 1  # refused connections are worth one more try
    tmdb_api.start()
    assert client.get_json("configuration")["images"]


def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_good_trial(
    make_client, tmdb_api, clock
):
    client = make_client(retries=0, failures_to_open=3, cooldown=30)
    tmdb_api.fail(500, times=3)
    for _ in range(3):
        with pytest.raises(ProviderError):
            client.get_json("configuration")
    assert client.stats()["circuit"] == "open"
    before = len(tmdb_api.requests)
    with pytest.raises(ProviderError, match="circuit open"):
        client.get_json("configuration")
    assert len(tmdb_api.requests) == before  # refused without a request
    clock.advance(31)
    assert client.breaker.state == "half-open"
    assert client.get_json("configuration")["images"]
    stats = client.stats()
    assert (stats["circuit"], stats["circuit_opened"], stats["refused"]) == ("closed", 1, 1)


def test_a_failed_trial_opens_the_circuit_again(clock):
    breaker = CircuitBreaker(failures=2, cooldown=10, clock=clock)
    breaker.failed()
    breaker.failed()
    clock.advance(11)
    assert breaker.allow()
    assert not breaker.allow()  # one trial at a time
    breaker.failed()
    assert breaker.state == "open"
    assert breaker.times_opened == 2


def test_many_calls_run_in_parallel(make_client, tmdb_api):
    tmdb_api.delay = 0.2
    calls = [("discover/movie", {"page": page}) for page in range(1, 7)]
    answers = make_client().get_many(calls)
    assert [a["page"] for a in answers] == [1, 2, 3, 4, 5, 6]
    assert tmdb_api.max_in_flight >= 4


def test_secrets_never_reach_logs_or_errors(make_client, tmdb_api, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(retries=0)
    client.get_json("configuration")
    tmdb_api.fail(500)
    with pytest.raises(ProviderError) as info:
        client.get_json("configuration")
    assert tmdb.API_KEY not in str(info.value)
    ours = [r for r in caplog.records if r.name != "werkzeug"]  # werkzeug: the stand-in's log
    assert any("HTTP Request" in r.getMessage() for r in ours)  # httpx logged the URL...
    assert not [r for r in ours if tmdb.API_KEY in r.getMessage()]  # ...without the key


def test_quota_headers_are_kept(make_client, tmdb_api):
    client = make_client()
    assert client.stats()["quota"] is None
    tmdb_api.fail(500, headers={"X-Custom-Quota": "41"})
    client.get_json("configuration")
    assert client.stats()["quota"] == {"x-custom-quota": "41"}
    assert client.stats()["latency_ms"]["p50"] > 0

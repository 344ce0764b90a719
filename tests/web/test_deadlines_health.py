"""/healthz names every part the answers depend on — the database, the provider, the cache
and the rate-limit store — and keeps 200 while only the provider or the rate-limit store is
down (the status says "degraded"): 503 is for the database alone."""

from __future__ import annotations


def recommend(client, emotion="happy"):
    return client.get(f"/api/recommendations?emotion={emotion}").get_json()


def test_a_failing_provider_is_reported_without_failing_the_check(make_app, tmdb_config, tmdb_api):
    client = make_app(**tmdb_config, PROVIDER_FAILURES_TO_OPEN=2).test_client()
    healthy = client.get("/healthz").get_json()
    assert (healthy["status"], healthy["checks"]["provider"]) == ("ok", "tmdb")
    tmdb_api.fail(500, times=100000)
    for emotion in ("happy", "sad", "angry"):
        assert recommend(client, emotion)["source"] == "fallback"
    tmdb_api.requests.clear()
    answer = client.get("/healthz")
    assert tmdb_api.requests == []  # nothing is asked of the provider: its circuit says it
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["provider"].startswith("tmdb: failing (circuit open)")


def test_the_rate_limit_store_is_named(make_app):
    on = make_app(RATELIMIT_ENABLED=True).test_client().get("/healthz").get_json()
    assert on["checks"]["rate_limit_store"] == "memory (each process counts its own)"
    assert on["status"] == "ok"
    off = make_app().test_client().get("/healthz").get_json()
    assert off["checks"]["rate_limit_store"] == "off"

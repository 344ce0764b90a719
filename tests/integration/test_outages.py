"""The database goes away — stopped, hung, read-only, deleted — and comes back: answers keep
coming (from the catalog in memory, the cache bypassed), /healthz says what is down, and
everything heals without a restart. The PostgreSQL here is the test's own (another port),
never the shared server."""

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from emotionpix.wiring import database
from tests.accounts import console, csrf_token, verified_user
from tests.images import webcam_frame
from tests.integration.private_postgres import PrivatePostgres
from tests.integration.server import free_port, get_json, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def private_postgres():
    server = PrivatePostgres()
    server.start()
    yield server
    server.close()


def everything_answers(client):
    """Recommendations, search, details and the emotion engine: all 200."""
    bodies = [
        client.get("/api/recommendations?emotion=sad"),
        client.get("/api/search?q=sholay"),
        client.get("/api/movies/Q949228"),
        client.post("/api/emotion", data=webcam_frame(), content_type="image/jpeg"),
    ]
    assert [b.status_code for b in bodies] == [200, 200, 200, 200]
    return bodies


def until(condition, seconds=20.0):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.2)


def test_a_postgresql_outage_degrades_then_heals(make_app, private_postgres):
    app = make_app(DATABASE_URL=private_postgres.url, CACHE_COOLDOWN=0.5)
    client = app.test_client()
    client.get("/api/recommendations?emotion=happy")
    assert client.get("/api/recommendations?emotion=happy").get_json()["source"] == "cache"

    private_postgres.stop()
    everything_answers(client)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["checks"]["database"].startswith("error")
    stats = client.get("/api/stats").get_json()["cache"]
    assert (stats["available"], stats["bypassed_here"] > 0) == (False, True)
    assert client.get("/api/cache/stats").status_code == 503

    private_postgres.start()
    until(lambda: client.get("/healthz").status_code == 200)
    until(lambda: client.get("/api/recommendations?emotion=happy").get_json()["source"] == "cache")
    database(app).dispose()


def test_a_signed_in_viewer_gets_films_while_the_database_is_down(make_app, private_postgres):
    """Who is signed in cannot be checked: the viewer is served as a guest (films, search,
    photos), the account's own pages say the database is down, and the session survives."""
    app = make_app(DATABASE_URL=private_postgres.url, CACHE_COOLDOWN=0.5)
    member = app.test_client()
    verified_user(member, console(app), "ann@example.com")
    token = csrf_token(member, "/")
    film = member.get("/api/recommendations?emotion=sad").get_json()["movies"][0]["id"]
    assert member.post("/api/watchlist", json={"id": film}, headers={"X-CSRFToken": token})

    private_postgres.stop()
    everything_answers(member)
    assert member.get("/").status_code == 200
    assert member.get("/api/me").get_json() == {"signed_in": False}
    page = member.get("/account")
    assert page.status_code == 503
    assert "Accounts are unavailable right now" in page.get_data(True)
    mine = member.post("/api/seen", json={"id": film}, headers={"X-CSRFToken": token})
    assert mine.status_code == 503
    assert mine.get_json()["error"] == "auth_unavailable"

    private_postgres.start()
    until(lambda: member.get("/api/me").get_json()["signed_in"])
    assert member.get("/api/watchlist").get_json()["movies"][0]["id"] == film
    database(app).dispose()


def test_a_hung_postgresql_costs_a_deadline_not_a_hang(make_app, private_postgres):
    app = make_app(DATABASE_URL=private_postgres.url, CACHE_COOLDOWN=0.5)
    client = app.test_client()
    client.get("/api/recommendations?emotion=happy")
    private_postgres.freeze()
    try:
        everything_answers(client)
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.get_json()["checks"]["database"].startswith("no answer within")
    finally:
        private_postgres.thaw()
    until(lambda: client.get("/healthz").status_code == 200)
    until(lambda: client.get("/api/recommendations?emotion=happy").get_json()["source"] == "cache")
    database(app).dispose()


@pytest.fixture
def unprivileged(tmp_path):
    """(command prefix, instance folder) for a server bound by file permissions: as root,
    without the capabilities that write through them (else a read-only folder is not)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        drop = "-dac_override,-dac_read_search,-fowner"
        prefix = ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", "--"]
    yield prefix, tmp_path / "instance"
    read_only(tmp_path / "instance", False)


def read_only(folder: Path, on: bool) -> None:
    for path in [folder, *folder.iterdir()]:
        path.chmod(
            (0o555 if path.is_dir() else 0o444) if on else (0o755 if path.is_dir() else 0o644)
        )


def test_a_read_only_sqlite_folder_degrades_then_heals(unprivileged):
    prefix, instance = unprivileged
    port = free_port()
    env = {
        **os.environ,
        "EMOTIONPIX_INSTANCE_PATH": str(instance),
        "EMOTIONPIX_CACHE_COOLDOWN": "0.5",
    }
    command = [*prefix, sys.executable, "-m", "emotionpix", "serve", "--port", str(port)]
    with serving(command, port, env, instance.parent / "serve.log") as base:
        get_json(f"{base}/api/recommendations?emotion=happy")
        read_only(instance, True)
        try:
            body = get_json(f"{base}/api/recommendations?emotion=angry")
            assert (body["source"], len(body["movies"])) == ("provider", 20)
            assert get_json(f"{base}/api/search?q=sholay")["movies"]
        finally:
            read_only(instance, False)
        until(lambda: get_json(f"{base}/api/recommendations?emotion=angry")["source"] == "cache")
        assert get_json(f"{base}/healthz")["status"] == "ok"


def test_a_deleted_sqlite_folder_is_noticed_and_made_again(make_app, tmp_path):
    instance = tmp_path / "instance"
    app = make_app(INSTANCE_PATH=str(instance), CACHE_COOLDOWN=0.5)
    client = app.test_client()
    client.get("/api/recommendations?emotion=happy")
    shutil.rmtree(instance)
    everything_answers(client)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert "missing" in health.get_json()["checks"]["database"]
    assert not instance.exists()  # nothing wrote to a file that is no longer there

    os.makedirs(instance)  # the operator restores the folder
    until(
        lambda: client.get("/api/recommendations?emotion=fear").get_json()["source"] == "provider"
    )
    until(lambda: client.get("/api/recommendations?emotion=fear").get_json()["source"] == "cache")
    assert (instance / "emotionpix.sqlite3").exists()
    assert client.get("/healthz").status_code == 200

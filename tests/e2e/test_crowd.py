"""A guest's first grid once the members' crowd has spoken: ordered partly by what they
liked, and the page says so (at phone width, where the line must still read)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from emotionpix import create_app
from emotionpix.taste.crowd import MIN_MEMBERS
from tests.e2e.test_browser import wait_for_cards
from tests.e2e.test_first_minutes import axe_violations
from tests.integration.server import in_thread
from tests.web.test_crowd import like_animated_films, members

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/taste-shots")


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    """The app, after five members liked animated films and turned war films down."""
    instance = tempfile.mkdtemp(prefix="emotionpix-e2e-crowd-")
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": instance,
            "PASSWORD_HASHING": "cheapest",
            "RATELIMIT_ENABLED": False,
            "CROWD_REFRESH": 0,
        }
    )
    for fan in members(app, MIN_MEMBERS):
        like_animated_films(fan)
    with in_thread(app) as port:
        yield f"http://127.0.0.1:{port}"
    shutil.rmtree(instance, ignore_errors=True)


def test_a_guest_s_first_grid_says_the_crowd_ordered_it(make_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = make_page(viewport=(390, 844), axe=True)
    with page.expect_response(lambda r: "/api/recommendations" in r.url) as answered:
        page.click(".chip[data-emotion='neutral']")
    wait_for_cards(page, 20)
    answer = answered.value.json()
    assert answer["crowd"] is True
    assert answer["tuned"] is False
    expect(page.locator("#tuned")).to_contain_text("what members who let the app learn liked")
    expect(page.locator("#tuned button")).to_have_count(0)  # no taste of theirs to reset
    page.locator("#tuned").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "crowd-phone.png"))
    assert axe_violations(page) == []

"""Tonight's pick with where to watch it, TMDB (the local stand-in) as the movie source: the
host chose India on the main page (remembered in the browser) and sees the pick's services
there; a phone that chose nothing sees them for its browser's language (en-US: the US); both
with the services' logos, the date, TMDB's link and JustWatch's credit (an outage: the
API tests, tests/web/test_rooms_watch.py). Screenshots at phone
and desktop width go to test-artifacts/screenshots/ (ROOMS_SCREENSHOTS: elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import serve_app, tmdb_settings
from tests.e2e.test_first_minutes import axe_violations
from tests.e2e.test_rooms import DESKTOP, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def live_server(tmdb_server):
    """This module's app: TMDB (the stand-in) as its provider."""
    yield from serve_app(tmdb_settings(tmdb_server.url))


@pytest.fixture
def shots(artifacts):
    folder = Path(os.environ.get("ROOMS_SCREENSHOTS", artifacts))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_pick_shows_where_to_watch_it_in_each_members_region(
    browser, live_server, pages, shots
):
    host = pages.open(browser, live_server + "/", viewport=DESKTOP, axe=True)
    host.click("#watch-prefs summary")
    expect(host.locator("#watch-region option[value='IN']")).to_have_count(1)
    host.select_option("#watch-region", "IN")
    host.get_by_role("button", name="Start a movie night").click()
    host.wait_for_selector("body[data-ready='true']", state="attached")
    link = host.locator("#room-link").get_attribute("href")
    ben = pages.open(browser, link, viewport=PHONE, ready=False, axe=True)
    ben.get_by_label("Your name (the others see it)").fill("Ben")
    ben.get_by_role("button", name="Join").click()
    ben.wait_for_selector("body[data-ready='true']", state="attached")

    host.locator("#room-chips [data-emotion='happy']").click()
    ben.locator("#room-chips [data-emotion='surprise']").click()
    for page in (host, ben):
        expect(page.locator("#films .room-film").first).to_be_visible()
        expect(page.locator("#films")).to_contain_text("Ben (surprise)")
    for page in (host, ben):
        page.locator("#films [data-action='vote']").first.click()
    for page in (host, ben):
        expect(page.locator("#pick")).to_be_visible()
        expect(page.locator("#pick-watch-offers img").first).to_be_visible()
        logos = page.locator("#pick-watch-offers img")
        assert logos.evaluate_all("(imgs) => imgs.every((img) => img.naturalWidth > 0)")
        assert "Rent" in page.inner_text("#pick-watch-offers")  # grouped by kind
        expect(page.locator("#pick")).to_contain_text("Data from JustWatch")
    assert "In India, as of" in host.inner_text("#pick-watch-date")
    assert host.locator("#pick-watch-link").get_attribute("href").endswith("locale=IN")
    assert "In United States, as of" in ben.inner_text("#pick-watch-date")
    assert ben.locator("#pick-watch-link").get_attribute("href").endswith("locale=US")
    asked = [r.url for r in host.requests if "/api/rooms/" in r.url]
    assert all("region=IN" in url for url in asked)
    host.screenshot(path=shots / "room-desktop-pick-watch.png", full_page=True)
    ben.screenshot(path=shots / "room-phone-pick-watch.png", full_page=True)
    for page in (host, ben):
        assert axe_violations(page) == []

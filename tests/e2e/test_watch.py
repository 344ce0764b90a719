"""Where to watch in the page, with TMDB (the local stand-in) as the movie source: the viewer
picks India and two services, the grid keeps only films on them and says how many went, the
details show the services' logos, the date and JustWatch's credit, at desktop and phone
width, and the choice is remembered in the browser; a signed-in viewer's choice is kept on
the account (another browser gets it back) and the watchlist marks the films now on their
services, at desktop and phone width."""

import shutil
import tempfile
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from emotionpix import create_app
from emotionpix.auth.session import backend, personal
from tests.accounts import PASSWORD
from tests.e2e.conftest import serve_app, tmdb_settings
from tests.e2e.test_browser import wait_for_cards
from tests.integration.server import in_thread

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/watch-shots")
MINE = {"Netflix", "Amazon Prime Video"}


@pytest.fixture(scope="module")
def live_server(tmdb_server):
    """This module's app: TMDB (the stand-in) as its provider."""
    yield from serve_app(tmdb_settings(tmdb_server.url))


def pick_india_and_two_services(page):
    page.click("#watch-prefs summary")
    expect(page.locator("#watch-region option[value='IN']")).to_have_count(1)
    page.select_option("#watch-region", "IN")
    expect(page.locator("#watch-services input[data-name='JioCinema']")).to_have_count(1)
    for name in MINE:
        page.check(f"#watch-services input[data-name='{name}']")


def card_services(page):
    """The services each card shows logos of."""
    return page.evaluate(
        "[...document.querySelectorAll('#grid .card')].map((card) =>"
        " [...card.querySelectorAll('.card-watch img')].map((img) => img.alt))"
    )


def test_india_and_two_services_then_the_details(make_page, tmdb_api):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = make_page()
    pick_india_and_two_services(page)
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    assert all(set(names) & MINE for names in card_services(page))
    expect(page.locator("#watch-filtered")).to_be_visible()
    assert "removed" in page.inner_text("#watch-filtered")
    asked = [r.url for r in page.requests if "/api/recommendations" in r.url]
    assert "region=IN" in asked[-1]
    assert "services=" in asked[-1]
    page.screenshot(path=str(SHOTS / "grid-desktop.png"))

    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    logos = page.locator("#details-watch-offers img")
    expect(logos.first).to_be_visible()
    assert set(logos.evaluate_all("(imgs) => imgs.map((img) => img.alt)")) & MINE
    assert logos.evaluate_all("(imgs) => imgs.every((img) => img.naturalWidth > 0)")
    assert "In India, as of" in page.inner_text("#details-watch-date")
    assert "Data from JustWatch" in page.inner_text("#details-watch")
    link = page.locator("#details-watch-link")
    assert link.get_attribute("href").endswith("locale=IN")
    page.screenshot(path=str(SHOTS / "details-desktop.png"))

    # Remembered in this browser (a new context starts clean): the same page reloaded.
    page.keyboard.press("Escape")
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    expect(page.locator("#watch-region")).to_have_value("IN")
    expect(page.locator("#watch-services input:checked")).to_have_count(2)


def test_a_phone_keeps_availability_readable(make_page, tmdb_api):
    page = make_page(viewport=(390, 844))
    pick_india_and_two_services(page)
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    page.screenshot(path=str(SHOTS / "grid-phone.png"))
    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    expect(page.locator("#details-watch-offers img").first).to_be_visible()
    page.locator("#details-watch").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#details-watch").bounding_box()
    assert box is not None
    assert box["width"] <= 390
    assert "Data from JustWatch" in page.inner_text("#details-watch")
    page.screenshot(path=str(SHOTS / "details-phone.png"))


@pytest.fixture(scope="module")
def member_server(tmdb_server):
    """TMDB (the stand-in) as the provider, with a verified local account."""
    instance = tempfile.mkdtemp(prefix="emotionpix-e2e-")
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": instance,
            **tmdb_settings(tmdb_server.url),
            "PASSWORD_HASHING": "cheapest",
        }
    )
    local = backend(app)
    identity = local.create_user("ann@example.com", PASSWORD, verified=True)
    personal(app).ensure_account(identity, local.name)
    with in_thread(app) as port:
        yield f"http://127.0.0.1:{port}"
    shutil.rmtree(instance, ignore_errors=True)


def signed_in_page(browser, pages, url, viewport=(1280, 900)):
    """A fresh browser (nothing remembered in it), signed in to the account."""
    page = pages.open(browser, f"{url}/signin", viewport=viewport, ready=False)
    page.fill("#email", "ann@example.com")
    page.fill("#password", PASSWORD)
    page.click("form button:has-text('Sign in')")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    return page


SAVED = "fetch('/api/me/watch').then((r) => r.json())"
ADD = (
    "(id) => fetch('/api/watchlist', {method: 'POST', headers: {'Content-Type':"
    " 'application/json', 'X-CSRFToken': document.querySelector('meta[name=csrf-token]')"
    ".content}, body: JSON.stringify({id})}).then((r) => r.status)"
)


def test_the_account_remembers_my_services_and_the_watchlist_marks_films(
    browser, pages, member_server, tmdb_api
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in_page(browser, pages, member_server)
    pick_india_and_two_services(page)
    deadline = time.monotonic() + 10
    while page.evaluate(SAVED)["services"] != [8, 119] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.evaluate(SAVED) == {"region": "IN", "services": [8, 119], "include_free": False}

    # Another browser (its storage empty): the account brings the choice back.
    other = signed_in_page(browser, pages, member_server)
    expect(other.locator("#watch-region")).to_have_value("IN")
    expect(other.locator("#watch-services input:checked")).to_have_count(2)
    for film in ("8392", "20453"):  # Sholay (Netflix in India), 3 Idiots (Hotstar)
        assert other.evaluate(ADD, film) == 201

    other.goto(f"{member_server}/watchlist")
    marks = other.locator(".watch-mark")
    expect(marks).to_have_count(1)
    expect(marks.first).to_have_text("Now on Netflix")
    expect(other.locator("li", has=marks.first)).to_contain_text("Sholay")
    expect(other.locator("#watchlist-watch")).to_contain_text("Data from JustWatch")
    other.screenshot(path=str(SHOTS / "watchlist-desktop.png"), full_page=True)

    phone = signed_in_page(browser, pages, member_server, viewport=(390, 844))
    phone.goto(f"{member_server}/watchlist")
    expect(phone.locator(".watch-mark")).to_have_text("Now on Netflix")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "watchlist-phone.png"), full_page=True)

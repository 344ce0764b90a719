"""An account in a real browser, with its mail through a real SMTP server: sign up, confirm
from the mailed link, sign in, put a film on the watchlist, mark another as seen, and see it
gone from the next recommendations; the account pages pass the accessibility audit at phone
and desktop sizes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.accounts import PASSWORD, smtp_server
from tests.e2e.conftest import serve_app
from tests.e2e.test_browser import wait_for_cards
from tests.e2e.test_first_minutes import axe_violations

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mail_server() -> Iterator[tuple[str, Any]]:
    with smtp_server() as found:
        yield found


@pytest.fixture(scope="module")
def account_server(mail_server) -> Iterator[str]:
    url, _ = mail_server
    yield from serve_app({"SMTP_URL": url, "PASSWORD_HASHING": "cheapest"})


@pytest.fixture
def open_page(browser, account_server, pages) -> Any:
    """An account page (with axe-core loaded) in a fresh context."""

    def factory(path: str, viewport: tuple[int, int] = (1280, 900)) -> Any:
        return pages.open(browser, account_server + path, viewport=viewport, axe=True, ready=False)

    return factory


def grid_ids(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#grid a.card')].map(a => a.dataset.id)")


def test_sign_up_confirm_sign_in_watchlist_and_seen(
    open_page, mail_server, account_server, artifacts
):
    _, mailbox = mail_server
    page = open_page("/")
    page.click("text=Create account")
    page.fill("#email", "ann@example.com")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Create my account')")
    expect(page.locator("h1")).to_have_text("Check your email")
    link = mailbox.link_for("ann@example.com")
    # The link names the server the browser used.
    assert link.startswith(account_server)
    page.goto(link)
    expect(page.locator("#proof-form")).to_contain_text("ann@example.com")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Confirm my email')")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    expect(page.locator(".account-menu")).to_contain_text("Account")
    # Sign out, and in again (remembered).
    page.click(".account-menu button:has-text('Sign out')")
    page.click(".account-menu a:has-text('Sign in')")
    page.fill("#email", "ann@example.com")
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("form button:has-text('Sign in')")
    page.wait_for_selector("body[data-ready='true']", state="attached")

    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    first, second = grid_ids(page)[:2]
    page.wait_for_selector("#grid .card-actions:not([hidden])")
    watch = page.locator(f"#grid li[data-film='{first}'] .watch")
    # The confirmation appears on the card clicked, and the page does not move.
    watch.scroll_into_view_if_needed()
    scrolled = page.evaluate("scrollY")
    watch.click()
    expect(watch).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#grid li[data-film='{first}'] .list-status")).to_have_text(
        "Added to your watchlist."
    )
    assert page.evaluate("scrollY") == scrolled
    seen = page.locator(f"#grid li[data-film='{second}'] .seen")
    seen.click()
    expect(seen).to_have_attribute("aria-pressed", "true")
    expect(seen).to_have_text("✓ Seen")
    expect(page.locator(f"#grid li[data-film='{second}'] .list-status")).to_contain_text(
        "won\u2019t be recommended again"
    )
    assert second in grid_ids(page)  # marked where it is, not whisked away
    assert page.evaluate("scrollY") == scrolled
    page.screenshot(path=str(artifacts / "account-grid-1280.png"))

    # The details overlay offers the same, and shows what is already on the lists.
    page.locator(f"#grid a.card[data-id='{first}']").click()
    page.wait_for_selector("#details[open] .details-actions:not([hidden])")
    expect(page.locator(".details-actions .watch")).to_have_attribute("aria-pressed", "true")
    page.click("#details-close")
    page.locator(f"#grid a.card[data-id='{second}']").click()
    page.wait_for_selector("#details[open] .details-actions:not([hidden])")
    expect(page.locator(".details-actions .seen")).to_have_attribute("aria-pressed", "true")
    page.click("#details-close")

    # A search finds the seen film with its state shown.
    title = page.locator(f"#grid li[data-film='{second}'] .card-title").inner_text()
    page.fill("#q", title)
    page.press("#q", "Enter")
    expect(page.locator(f"#grid li[data-film='{second}'] .seen")).to_have_attribute(
        "aria-pressed", "true"
    )
    # A guest's hint is not for the signed-in.
    expect(page.locator("#guest-hint")).to_have_count(0)

    # The next recommendations, and the next visit, leave the seen film out.
    page.click(".chip[data-emotion='sad']")
    wait_for_cards(page, 20)
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    assert second not in grid_ids(page)
    page.goto(account_server + "/?emotion=happy")
    assert second not in grid_ids(page)

    page.goto(account_server + "/watchlist")
    watchlisted = page.locator(".film-list").first
    expect(watchlisted.locator("li")).to_have_count(1)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(account_server + "/")
    page.screenshot(path=str(artifacts / "account-first-screen-390.png"))
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(account_server + "/account")
        assert axe_violations(page) == []
        page.screenshot(path=str(artifacts / f"account-page-{width}.png"), full_page=True)


def test_a_corrected_reading_moves_the_films_and_joins_the_opted_in_history(
    open_page, mail_server, account_server
):
    _, mailbox = mail_server
    page = open_page("/signup")
    page.fill("#email", "bea@example.com")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Create my account')")
    expect(page.locator("h1")).to_have_text("Check your email")
    page.goto(mailbox.link_for("bea@example.com"))
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Confirm my email')")
    page.goto(account_server + "/account")
    page.check("#history-enabled")
    page.click("#history button:has-text('Save')")
    expect(page.locator("#history-enabled")).to_be_checked()

    page.context.grant_permissions(["camera"], origin=account_server)
    page.goto(account_server + "/")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    page.click("#camera-toggle")
    page.wait_for_selector("#capture:not([disabled])")
    page.click("#capture")
    wait_for_cards(page, 20)
    expect(page.locator("#result-heading")).to_have_text("You look happy")
    page.click("#not-me")
    page.click("[data-correct='sad']")
    expect(page.locator("#result-heading")).to_have_text("You feel sad")
    expect(page.locator("#results-heading")).to_contain_text("sad mood")
    page.goto(account_server + "/account")
    history = page.locator(".moods li")
    expect(history).to_have_count(2)
    expect(history.nth(0)).to_contain_text("Sad: you said so (we had read happy)")
    expect(history.nth(1)).to_contain_text("Happy, read by your camera")


@pytest.mark.parametrize("viewport", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_the_account_pages_pass_the_accessibility_audit(open_page, viewport, artifacts):
    for path in ("/signup", "/signin", "/password/forgot", "/confirm?token=x"):
        page = open_page(path, viewport)
        assert axe_violations(page) == [], path
        name = path.strip("/").split("?")[0].replace("/", "-")
        page.screenshot(path=str(artifacts / f"account-{name}-{viewport[0]}.png"))


def test_an_attackers_link_with_a_fragment_signs_nobody_in(open_page, mail_server, account_server):
    """Login CSRF (issue 29, finding 5): the page once sent the confirmation form by itself
    when the address had a fragment, so the attacker's own link with ``#error=x`` signed a
    visitor's browser into the attacker's account without a click."""
    _, mailbox = mail_server
    page = open_page("/signup")
    page.fill("#email", "mallory@example.com")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Create my account')")
    expect(page.locator("h1")).to_have_text("Check your email")
    link = mailbox.link_for("mallory@example.com")
    victim = open_page("/")
    victim.goto(link + "#error=x&access_token=y")
    expect(victim.locator("#proof-form")).to_be_visible()
    victim.wait_for_timeout(1500)  # time for a script that would send the form
    assert urlsplit(victim.url).path == "/confirm"
    me = victim.evaluate("fetch('/api/me').then(r => r.json())")
    assert me == {"signed_in": False}

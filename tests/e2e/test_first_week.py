"""The rough edges of the first week (issue 35), in the browser at phone and desktop sizes:
the viewer's filters (applied, remembered, saying when they leave few films), honest limits
(a film newer than the offline catalog, what the grid is drawn from), titles in other
scripts, the guest's one-time note on accounts, and a phone's first screen after a reading
(compact result, films in view, typographic cards with each title once)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import wait_for_cards, wait_until
from tests.e2e.test_first_minutes import axe_violations, file_with
from tests.images import encode, photo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
sizes = pytest.mark.parametrize("viewport", SIZES.values(), ids=SIZES.keys())


def asked(page, path):
    """The query strings of the page's requests to ``path``, in order."""
    return [r.url.split("?", 1)[1] for r in page.requests if f"{path}?" in r.url]


@sizes
def test_filters_apply_are_remembered_and_say_when_few_films_pass(make_page, viewport, artifacts):
    page = make_page(viewport=viewport, axe=True)
    page.click("#filters summary")
    assert axe_violations(page) == []  # the open panel: labelled, readable
    page.uncheck("#filters-form input[value='en']")  # Hindi films only
    page.select_option("#filter-from", "1990")
    page.click(".chip[data-emotion='happy']")
    expect(page.locator("#results-heading")).to_have_text("Comedy for a happy mood")
    wait_until(page, "document.querySelectorAll('#grid .card').length > 0")
    last = asked(page, "/api/recommendations")[-1]
    assert "languages=hi" in last
    assert "from=1990" in last
    expect(page.locator("#drawn-from")).to_contain_text("in Hindi, from 1990")
    expect(page.locator("#filters-summary")).to_have_text("Hindi · 1990\u2013now")
    # Hindi comedies since 1990 rated 7+: a handful, and the grid says so.
    expect(page.locator("#filter-note")).to_contain_text("your filters for this mood")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / f"filters-{viewport[0]}.png"))

    # Remembered like the match/lift switch: a new visit sends them again.
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    expect(page.locator("#filters-summary")).to_have_text("Hindi · 1990\u2013now")
    page.click(".chip[data-emotion='sad']")
    wait_until(page, "document.querySelectorAll('#grid .card').length > 0")
    assert "languages=hi" in asked(page, "/api/recommendations")[-1]

    # Back to the paper's defaults: nothing extra is asked.
    page.click("#filters summary")
    page.click("#filters-reset")
    wait_for_cards(page, 20)
    last = asked(page, "/api/recommendations")[-1]
    assert "languages" not in last
    assert "from" not in last
    expect(page.locator("#filter-note")).to_be_hidden()
    expect(page.locator("#filters-summary")).to_have_text("English, Hindi · 1970\u2013now")


@sizes
def test_a_film_newer_than_the_catalog_is_explained_not_blamed_on_spelling(make_page, viewport):
    page = make_page(viewport=viewport)
    page.fill("#q", "Oppenheimer")
    page.press("#q", "Enter")
    expect(page.locator(".empty")).to_contain_text(
        "not in the offline catalog, which ends in 2014 — add a TMDB key for newer films"
    )
    expect(page.locator(".empty")).not_to_contain_text("Check the spelling")
    expect(page.locator("#drawn-from")).to_have_text(
        "Searched the offline catalog (films up to 2014)."
    )


@sizes
def test_titles_in_their_own_scripts_find_the_film(make_page, viewport):
    page = make_page(viewport=viewport)
    for query, title in [
        ("शोले", "Sholay"),
        ("cidade de deus", "City of God"),
        ("七人の侍", "Seven Samurai"),
        ("k3g", "Kabhi Khushi Kabhie Gham..."),
    ]:
        page.fill("#q", query)
        page.press("#q", "Enter")
        expect(page.locator("#results-heading")).to_have_text(f"Results for “{query}”")
        expect(page.locator("#grid .card-title").first).to_have_text(title)
    page.fill("#q", "Dune")
    page.press("#q", "Enter")
    expect(page.locator("#grid .card-title")).to_have_text(["Dune"])  # no Due Date


def test_a_guest_sees_what_an_account_adds_once(make_page):
    page = make_page()
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    hint = page.locator("#guest-hint")
    expect(hint).to_contain_text("With an account you can keep a watchlist")
    expect(hint.locator("a")).to_have_count(2)
    page.click("#guest-hint button")
    expect(hint).to_have_count(0)
    page.click(".chip[data-emotion='sad']")
    wait_for_cards(page, 20)
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    expect(page.locator("#guest-hint")).to_have_count(0)  # once per browser


@sizes
def test_after_a_reading_the_first_films_show_in_the_first_screen(
    make_page, viewport, tmp_path, artifacts
):
    page = make_page(viewport=viewport, axe=True)
    page.set_input_files("#upload", file_with(tmp_path, "me.jpg", encode(photo("astronaut.png"))))
    expect(page.locator("#result-heading")).to_have_text("You look happy")
    wait_for_cards(page, 20)
    page.wait_for_timeout(800)  # the smooth scroll to the result
    phone = viewport[0] < 600
    # The emotion, how sure, and the correction stay; the bars fold on a phone.
    expect(page.locator("#result-confidence")).to_contain_text("sure")
    expect(page.locator("#not-me")).to_be_visible()
    assert page.evaluate("document.querySelector('#result-more').open") is (not phone)
    if phone:
        # Four typographic cards fit a phone screen, below the compact result.
        first, fourth = (
            page.locator(f"#grid li:nth-child({n}) .card").bounding_box() for n in (1, 4)
        )
        assert first["y"] + first["height"] <= viewport[1], first
        assert fourth["height"] <= 200, fourth
        page.evaluate("document.querySelector('#grid').scrollIntoView()")
        page.wait_for_timeout(400)
        fourth = page.locator("#grid li:nth-child(4) .card").bounding_box()
        assert fourth["y"] + fourth["height"] <= viewport[1], fourth
    else:
        assert page.locator("#grid li:first-child .card").bounding_box()["y"] < 2 * viewport[1]
    # No made-up posters offline, and each title once per card.
    expect(page.locator("#grid .poster")).to_have_count(0)
    for text, title in zip(
        page.locator("#grid .card").all_inner_texts(),
        page.locator("#grid .card-title").all_inner_texts(),
        strict=True,
    ):
        assert text.count(title) == 1, text
    page.screenshot(path=str(artifacts / f"reading-{viewport[0]}.png"))
    assert axe_violations(page) == []


def test_remembered_filters_apply_to_a_page_the_server_rendered(make_page, live_server):
    page = make_page()
    page.click("#filters summary")
    page.uncheck("#filters-form input[value='en']")
    page.goto(live_server + "/?emotion=happy")
    page.wait_for_selector("body[data-ready='true']", state="attached")
    wait_until(
        page,
        "[...performance.getEntriesByType('resource')]"
        ".some((r) => r.name.includes('/api/recommendations?') && r.name.includes('languages=hi'))",
    )
    expect(page.locator("#drawn-from")).to_contain_text("in Hindi,")

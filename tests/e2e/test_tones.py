"""Tones in the page (issue 30): the details show how a film feels and what to know before
pressing play; "Leave out" keeps chosen tones out of the grid, is remembered, and passes the
accessibility audit at desktop and phone width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import wait_for_cards
from tests.e2e.test_first_minutes import axe_violations

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/tone-shots")


def test_the_details_show_the_films_tones_and_content_notes(make_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = make_page()
    page.fill("#q", "Schindler's List")
    page.press("#q", "Enter")
    expect(page.locator("#grid .card").first).to_be_visible()
    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    tones = page.inner_text("#details-tones")
    assert tones.startswith("Feels:")
    assert "harrowing" in tones
    assert "ends bittersweet" in tones
    expect(page.locator("#details-notes")).to_be_visible()
    notes = page.inner_text("#details-notes")
    assert "violence" in notes  # its violence is at the strongest
    assert "child harm" in notes
    page.screenshot(path=str(SHOTS / "details-desktop.png"))


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
def test_leave_out_keeps_tones_out_and_is_remembered(make_page, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = make_page(viewport=viewport, axe=True)
    page.click(".chip[data-emotion='sad']")
    wait_for_cards(page, 20)
    page.click("#tone-filter summary")
    with page.expect_response(lambda r: "exclude_tones=harrowing" in r.url) as answer:
        page.check("#tone-filter input[value='harrowing']")
    films = answer.value.json()["movies"]
    assert films
    assert not [m for m in films if "harrowing" in m["tones"]]
    expect(page.locator("#tone-filter-count")).to_have_text(" (1)")
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"leave-out-{viewport[0]}.png"), full_page=False)
    # The next visit asks for the same.
    page.reload()
    with page.expect_response(lambda r: "/api/recommendations" in r.url) as again:
        page.click(".chip[data-emotion='neutral']")
    assert "exclude_tones=harrowing" in again.value.url
    assert page.is_checked("#tone-filter input[value='harrowing']")

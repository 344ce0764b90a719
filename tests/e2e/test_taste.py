"""The taste in the browser, as a guest: "More like this" and "Not for me" (with a reason) on
the cards, the taste kept in localStorage and sent with the next grid ("Tuned to your taste —
reset"), "More like this" in the details; at desktop and phone width."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import wait_for_cards
from tests.e2e.test_first_minutes import axe_violations

pytestmark = pytest.mark.e2e
SHOTS = Path("/tmp/taste-shots")


def stored_taste(page) -> str:
    return page.evaluate("localStorage.getItem('emotionpix.taste') || ''")


@pytest.mark.parametrize(("name", "viewport"), [("desktop", (1280, 800)), ("phone", (390, 844))])
def test_a_guest_likes_hides_and_gets_a_tuned_grid(make_page, name, viewport):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = make_page(viewport=viewport, axe=True)
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    expect(page.locator("#tuned")).to_have_count(0)
    for n in range(3):
        page.locator("#grid li").nth(n).locator(".feedback .like").click()
        expect(page.locator("#grid li").nth(n).locator(".like")).to_have_attribute(
            "aria-pressed", "true"
        )
    assert stored_taste(page)
    # By id: a title is not unique enough ("Up" is inside "Up in the Air").
    hidden = page.locator("#grid li").nth(5).locator("a.card").get_attribute("data-id")
    page.locator("#grid li").nth(5).locator(".feedback .dislike").click()
    reasons = page.locator("#grid li").nth(5).locator(".feedback-reasons")
    expect(reasons).to_be_visible()
    page.screenshot(path=str(SHOTS / f"reasons-{name}.png"))
    assert axe_violations(page) == []
    reasons.locator("[data-reason='too-dark']").click()
    expect(page.locator(f"#grid a.card[data-id='{hidden}']")).to_have_count(0)
    expect(page.locator("#results-message")).to_contain_text("see this film again")

    page.click(".chip[data-emotion='happy']")  # a new grid: the taste goes with it
    expect(page.locator("#tuned")).to_contain_text("Tuned to your taste")
    wait_for_cards(page, 20)
    expect(page.locator(f"#grid a.card[data-id='{hidden}']")).to_have_count(0)
    asked = [r.url for r in page.requests if "/api/recommendations" in r.url]
    assert "taste=" in asked[-1]
    page.screenshot(path=str(SHOTS / f"tuned-{name}.png"))

    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    close_top = "document.querySelector('#details-close').getBoundingClientRect().top"
    opened_at = page.evaluate(close_top)
    expect(page.locator("#details-similar-list li").first).to_be_visible()
    # "More like this" arrives after the overlay opens; it grows it downward, so the close
    # button stays where the pointer is heading (a centred overlay moved it up).
    assert page.evaluate(close_top) == opened_at
    page.locator("#details-similar").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"details-{name}.png"))
    assert axe_violations(page) == []
    page.locator("#details-similar-list button").first.click()
    expect(page.locator("#details-title")).not_to_be_empty()
    page.click("#details-close")

    page.locator("#tuned button").click()
    expect(page.locator("#tuned")).to_have_count(0)
    assert stored_taste(page) == ""


def test_not_in_the_mood_for_heavy_films_when_sad_brings_lifting_ones(make_page):
    page = make_page(viewport=(1280, 800))
    page.click(".chip[data-emotion='sad']")
    wait_for_cards(page, 20)
    cards = page.locator("#grid li")
    heavy = [
        n
        for n in range(cards.count())
        if any(w in cards.nth(n).inner_text() for w in ("melancholic", "devastating", "bleak"))
        and not any(w in cards.nth(n).inner_text() for w in ("heartwarming", "funny", "uplifting"))
    ]
    assert len(heavy) >= 3
    for n in reversed(heavy[:3]):  # from the last, so a card going leaves the others in place
        cards.nth(n).locator(".feedback .dislike").click()
        cards.nth(n).locator(".feedback-reasons [data-reason='not-in-mood']").click()
        expect(page.locator("#results-message")).to_contain_text("mood")
    page.click(".chip[data-emotion='sad']")
    expect(page.locator("#tuned")).to_contain_text("with films to lift this mood")
    wait_for_cards(page, 20)
    expect(page.locator("#grid").get_by_text("picked to lift your sad mood").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "wished-desktop.png"))

"""A movie night in three browsers: the host on a desktop opens a room from the main page,
two phones join through its link, everyone picks a mood chip, every page follows each
change within about a second (and a page whose connection dropped catches up), a veto takes
a film away for all, and the votes make tonight's pick. Screenshots go to
test-artifacts/screenshots/ (ROOMS_SCREENSHOTS: elsewhere)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_first_minutes import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = (390, 844)
DESKTOP = (1440, 900)
LIVE = 1.5  # seconds: a poll each second, plus the answer and the drawing


def until(page, expression, seconds=LIVE):
    """Poll ``expression`` in the page (through page.evaluate: the CSP forbids eval) until it
    is true: how long it took; fails after ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if page.evaluate(expression):
            return time.monotonic() - start
        page.wait_for_timeout(50)
    raise AssertionError(f"not within {seconds} s: {expression}")


def text_has(selector, words):
    return f"document.querySelector({selector!r}).textContent.includes({words!r})"


@pytest.fixture
def shots(artifacts):
    folder = Path(os.environ.get("ROOMS_SCREENSHOTS", artifacts))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_movie_night_in_three_browsers(browser, live_server, pages, shots):
    host = pages.open(browser, live_server + "/", viewport=DESKTOP, axe=True)
    host.get_by_role("button", name="Start a movie night").click()
    host.wait_for_selector("body[data-ready='true']", state="attached")
    link = host.locator("#room-link").get_attribute("href")
    assert "/rooms/" in link
    assert host.evaluate("document.querySelector('img.qr').naturalWidth") > 0

    phones = {}
    for name in ("Ben", "Cara"):
        phone = pages.open(
            browser, link, viewport=PHONE, ready=False, axe=True, camera=name == "Cara"
        )
        expect(phone.get_by_label("Your name (the others see it)")).to_be_visible()
        phone.get_by_label("Your name (the others see it)").fill(name)
        phone.get_by_role("button", name="Join").click()
        phone.wait_for_selector("body[data-ready='true']", state="attached")
        phones[name] = phone
    ben, cara = phones["Ben"], phones["Cara"]
    until(host, text_has("#members", "Cara"))
    host.screenshot(path=shots / "room-desktop-joined.png", full_page=True)

    # Moods by chip, and Cara's by her own camera read on her phone (the fake camera plays
    # the smiling astronaut): the camera is off until she asks, and no picture leaves the
    # phone, only the emotions. Every page follows within a second or so.
    expect(cara.locator("#preview")).to_be_hidden()
    expect(cara.locator("#room-privacy")).to_contain_text("read on this device")
    host.locator("#room-chips [data-emotion='happy']").click()
    ben.locator("#room-chips [data-emotion='sad']").click()
    cara.get_by_role("button", name="Use my camera").click()
    expect(cara.locator("#preview")).to_be_visible()
    until(cara, "document.querySelector('#video').videoWidth > 0", seconds=10)
    sent = len(cara.requests)
    cara.get_by_role("button", name="Read my mood").click()
    until(cara, text_has("#members", "Cara — happy"), seconds=30)
    assert cara.locator("#room-reading").get_attribute("data-where") == "device"
    mood_posts = [r for r in cara.requests[sent:] if r.method == "POST" and r.url.endswith("/mood")]
    assert len(mood_posts) == 1
    assert set(mood_posts[0].post_data_json) == {"emotions"}
    assert not any("/api/emotion" in r.url for r in cara.requests)
    delays = [until(page, text_has("#members", "Cara — happy")) for page in (host, ben)]
    expect(cara.locator("#room-chips [data-emotion='happy']")).to_have_attribute(
        "aria-pressed", "true"
    )
    for page in (host, ben, cara):
        until(page, "document.querySelectorAll('#films .room-film').length > 0")
        until(page, text_has("#films", "Ben (sad)"))
    assert "Ben (sad)" in cara.locator("#films .room-film-reason").first.text_content()
    cara.screenshot(path=shots / "room-phone-camera.png", full_page=True)
    ben.screenshot(path=shots / "room-phone-films.png", full_page=True)

    # Cara's connection drops and comes back: her page says so, then catches up.
    cara.context.set_offline(True)
    until(cara, text_has("#room-status", "Connection lost"), seconds=5)
    host.locator("#room-chips [data-emotion='surprise']").click()
    cara.context.set_offline(False)
    until(cara, text_has("#room-status", "Back online"), seconds=5)
    until(cara, text_has("#members", "Host (host) — surprise"))
    host.locator("#room-chips [data-emotion='happy']").click()
    for page in (host, ben, cara):
        until(page, text_has("#films", "Host (happy)"))

    # Ben vetoes the first film: gone for everyone.
    first = ben.locator("#films .room-film-title").first.text_content()
    ben.locator("#films [data-action='veto']").first.click()
    delays += [until(page, text_has("#vetoed", "(by Ben)")) for page in (host, cara)]
    for page in (host, cara):
        assert first not in page.locator("#films").text_content()

    # Everyone votes for the (new) first film: tonight's pick, on every page.
    choice = host.locator("#films .room-film-title").first.text_content()
    for page in (host, ben, cara):
        page.locator("#films [data-action='vote']").first.click()
    for page in (host, ben, cara):
        expect(page.locator("#pick")).to_be_visible()
        expect(page.locator("#pick-title")).to_have_text(choice)
    assert max(delays) < LIVE
    host.screenshot(path=shots / "room-desktop-pick.png", full_page=True)
    cara.screenshot(path=shots / "room-phone-pick.png", full_page=True)
    for page in (host, cara):
        assert axe_violations(page) == []

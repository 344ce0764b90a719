"""What a new visitor sees, does and understands, at phone, tablet and desktop sizes: the three
ways in on the first screen, every action's result or message where they are looking, plain
messages for their mistakes, no emotion from a faceless camera, and no serious accessibility
violation (axe-core)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.test_browser import wait_for_cards, wait_until
from tests.images import encode, photo

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
sizes = pytest.mark.parametrize("viewport", SIZES.values(), ids=SIZES.keys())

# Whether an element is wholly inside the viewport and not under the sticky bar (unless it
# is part of the bar).
IN_VIEW = """(selector) => {
  const node = document.querySelector(selector);
  if (!node) return false;
  const box = node.getBoundingClientRect();
  const bar = document.querySelector(".bar");
  const top = bar.contains(node) ? 0 : bar.getBoundingClientRect().bottom - 1;
  return box.height > 0 && box.top >= top && box.bottom <= innerHeight + 1
    && box.left >= 0 && box.right <= innerWidth;
}"""


def in_view(page, selector):
    return page.evaluate(IN_VIEW, selector)


def wait_in_view(page, selector):
    """Poll (smooth scrolling takes a moment) until ``selector`` is in view."""
    for _ in range(100):
        if in_view(page, selector):
            return
        page.wait_for_timeout(100)
    box = page.evaluate(
        f"JSON.stringify(document.querySelector({selector!r})?.getBoundingClientRect())"
    )
    raise AssertionError(f"{selector} is not in view: {box}")


def wait_focused(page, selector):
    wait_until(page, f"document.activeElement === document.querySelector({selector!r})")


def file_with(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@sizes
def test_the_three_ways_in_are_on_the_first_screen(make_page, viewport):
    page = make_page(viewport=viewport)
    ways = ["#camera-toggle", "label[for='upload']", "#privacy", "#start-heading"]
    ways += [
        f".chip[data-emotion='{chip}']"
        for chip in page.eval_on_selector_all(".chip", "chips => chips.map(c => c.dataset.emotion)")
    ]
    assert len(ways) == 11
    for selector in ways:
        assert in_view(page, selector), selector
    # One clear first action: the camera switch is the only filled (primary) control.
    assert page.is_hidden("#preview")


@sizes
def test_every_action_shows_its_result_or_message_in_view(make_page, viewport, tmp_path):
    page = make_page(camera=True, viewport=viewport)

    page.set_input_files("#upload", file_with(tmp_path, "notes.txt", b"shopping list"))
    expect(page.locator("#upload-message")).to_contain_text("is a text file")
    wait_in_view(page, "#upload-message")

    page.set_input_files("#upload", file_with(tmp_path, "empty.jpg", b""))
    expect(page.locator("#upload-message")).to_contain_text("is empty")
    wait_in_view(page, "#upload-message")

    page.click(".chip[data-emotion='angry']")
    expect(page.locator("#results-heading")).to_have_text("Action for an angry mood")
    wait_in_view(page, "#results-heading")
    wait_focused(page, "#results-heading")
    assert page.inner_text("#upload-message") == ""  # a new action starts clean

    page.click("#more")
    wait_for_cards(page, 40)
    wait_in_view(page, "#grid li:nth-child(21) .card")
    wait_focused(page, "#grid li:nth-child(21) .card")

    page.fill("#q", "k3g")
    page.press("#q", "Enter")
    expect(page.locator("#results-heading")).to_have_text("Results for “k3g”")
    wait_in_view(page, "#results-heading")
    wait_focused(page, "#results-heading")
    assert page.inner_text("#grid .card-title") == "Kabhi Khushi Kabhie Gham..."

    page.fill("#q", "qqzzxx")
    page.press("#q", "Enter")
    wait_in_view(page, ".empty")

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.set_input_files("#upload", file_with(tmp_path, "cat.jpg", encode(photo("chelsea.png"))))
    expect(page.locator("#upload-message")).to_contain_text("could not find a face")
    wait_in_view(page, "#upload-message")

    page.set_input_files("#upload", file_with(tmp_path, "me.jpg", encode(photo("astronaut.png"))))
    expect(page.locator("#result-heading")).to_have_text("You look happy")
    wait_in_view(page, "#result-heading")
    wait_focused(page, "#result-heading")

    page.evaluate("window.scrollTo(0, 0)")
    page.click("#camera-toggle")
    page.wait_for_selector("#capture:not([disabled])")
    wait_until(page, "document.querySelector('#video').videoWidth > 0")
    wait_in_view(page, "#capture")
    page.click("#capture")
    wait_focused(page, "#result-heading")
    wait_in_view(page, "#result-heading")


def test_a_search_after_a_mood_starts_from_a_clean_state(make_page, tmp_path):
    page = make_page()
    page.set_input_files("#upload", file_with(tmp_path, "me.jpg", encode(photo("astronaut.png"))))
    wait_for_cards(page, 20)
    assert page.get_attribute(".chip[data-emotion='happy']", "aria-current") == "true"
    page.fill("#q", "sholay")
    page.press("#q", "Enter")
    expect(page.locator("#results-heading")).to_have_text("Results for “sholay”")
    assert page.locator(".chip.active, .chip[aria-current]").count() == 0
    assert page.is_hidden("#result")
    page.click(".chip[data-emotion='sad']")
    expect(page.locator("#results-heading")).to_have_text("Drama for a sad mood")
    assert page.locator(".chip.active").count() == 1


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("scan.pdf", b"%PDF-1.7", "is a PDF document"),
        ("big.jpg", b"\xff\xd8" + bytes(11 * 2**20), "photos can be up to 10 MB"),
    ],
)
def test_a_wrong_file_is_explained_before_it_is_sent(make_page, tmp_path, name, data, words):
    page = make_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/emotion" in r.url else None)
    page.set_input_files("#upload", file_with(tmp_path, name, data))
    expect(page.locator("#upload-message")).to_contain_text(words)
    assert "Choose" in page.inner_text("#upload-message")
    assert requests == []


def test_an_unknown_mood_in_the_address_is_explained_on_the_first_screen(make_page):
    page = make_page(viewport=SIZES["phone"], path="/?emotion=bored")
    expect(page.locator("#mood-message")).to_contain_text("Unknown emotion 'bored'")
    assert in_view(page, "#mood-message")


def test_offline_says_so_next_to_the_mood_chips(make_page):
    page = make_page()
    page.context.set_offline(True)
    page.click(".chip[data-emotion='happy']")
    expect(page.locator("#mood-message")).to_contain_text("could not reach EmotionPix")
    page.context.set_offline(False)


def test_the_fake_cameras_test_pattern_gives_no_face(make_page):
    # Chromium's own test pattern (no video file): a green frame with a sweeping disc, which
    # BlazeFace once read as a face ("Angry 66 %" in 2 of 6 captures).
    page = make_page(camera=True, pattern=True)
    page.click("#camera-toggle")
    page.wait_for_selector("#capture:not([disabled])")
    wait_until(page, "document.querySelector('#video').videoWidth > 0")
    for capture in range(6):
        page.evaluate("document.querySelector('#camera-message').textContent = ''")
        page.click("#capture")
        expect(page.locator("#camera-message")).to_contain_text("could not find a face")
        assert page.is_hidden("#result"), f"capture {capture} found a face"
        page.wait_for_timeout(250)  # let the pattern move on


CLOSE_CALL = {
    "faces": [
        {
            "box": [180, 80, 100, 100],
            "score": 0.92,
            "emotions": {"angry": 0.02, "disgust": 0.01, "fear": 0.03, "happy": 0.46,
                         "sad": 0.04, "surprise": 0.04, "neutral": 0.40},
            "emotion": "happy",
            "confidence": 0.46,
            "runner_up": "neutral",
            "close_call": True,
        }
    ],
    "emotion": "happy",
    "confidence": 0.46,
    "runner_up": "neutral",
    "close_call": True,
    "genre": "Comedy",
    "model": "emotionpix-wide",
    "image_size": [512, 512],
    "timings_ms": {"decode": 1, "detect": 1, "classify": 1, "total": 3},
}  # fmt: skip


def test_a_close_call_says_so_and_lets_the_viewer_pick(make_page, tmp_path):
    page = make_page()
    page.uncheck("#on-device")  # the server reads: its answer is CLOSE_CALL
    page.route(
        "**/api/emotion",
        lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(CLOSE_CALL)
        ),
    )
    page.set_input_files("#upload", file_with(tmp_path, "me.jpg", encode(photo("astronaut.png"))))
    expect(page.locator("#result-heading")).to_have_text("Happy or neutral? We are not sure")
    assert page.inner_text("#result-confidence") == "46% against 40%"
    choices = page.locator("#close-call .choice")
    expect(choices).to_have_count(2)
    assert choices.all_text_contents() == ["Happy Comedy", "Neutral Drama"]
    assert choices.first.get_attribute("aria-pressed") == "true"
    # Until the viewer says, the films blend both moods (the server's close-call blending).
    expect(page.locator("#results-heading")).to_have_text(
        "Comedy and Drama for a happy mood with a touch of neutral"
    )
    choices.nth(1).click()
    expect(page.locator("#results-heading")).to_have_text("Drama for a neutral mood")
    assert choices.nth(1).get_attribute("aria-pressed") == "true"
    assert page.inner_text("#result-genre") == "Drama"


def axe_violations(page):
    """Serious and critical axe-core violations of the page as it is now."""
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@sizes
def test_no_serious_accessibility_violation_in_the_main_states(make_page, tmp_path, viewport):
    page = make_page(camera=True, axe=True, viewport=viewport)
    states = {"first screen": axe_violations(page)}
    page.set_input_files("#upload", file_with(tmp_path, "notes.txt", b"text"))
    expect(page.locator("#upload-message")).to_contain_text("text file")
    states["upload error"] = axe_violations(page)
    page.click("#camera-toggle")
    page.wait_for_selector("#capture:not([disabled])")
    wait_until(page, "document.querySelector('#video').videoWidth > 0")
    states["camera on"] = axe_violations(page)
    page.click("#capture")
    wait_for_cards(page, 20)
    states["result and films"] = axe_violations(page)
    page.fill("#q", "ddlj")
    page.press("#q", "Enter")
    expect(page.locator("#results-heading")).to_have_text("Results for “ddlj”")
    states["search results"] = axe_violations(page)
    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    states["details"] = axe_violations(page)
    assert states == {state: [] for state in states}

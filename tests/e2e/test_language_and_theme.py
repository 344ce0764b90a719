"""The page in Hindi and English, light and dark, at phone and desktop sizes: the language
follows the browser and the switch (remembered), no English is left in the Hindi page but
film data and names, both themes follow the system and the switch (remembered), and none
of the eight combinations has a serious or critical accessibility violation (axe-core).
Screenshots of each go to test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import AXE, Console
from tests.e2e.test_browser import wait_for_cards
from tests.e2e.test_first_minutes import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SIZES = {"phone": (390, 844), "desktop": (1280, 800)}
LANGUAGES = {"en": "en-GB,en;q=0.9", "hi": "hi-IN,hi;q=0.9,en;q=0.5"}
# English a Hindi page may show: names of products, formats and the film data's sources.
ALLOWED_LATIN = {
    "EmotionPix",
    "K3G",
    "Inception",
    "JPEG",
    "PNG",
    "WebP",
    "MB",
    "MediaPipe",
    "BlazeFace",
    "Apache",
    "ONNX",
    "Runtime",
    "Web",
    "MIT",
    "Wikidata",
    "CC0",
    "Rotten",
    "Tomatoes",
    "English",
    "TMDB",
    "JustWatch",
    "IMDb",
    "UTC",
    "QR",
    # The TMDB key's setting and where themoviedb.org shows it (its menus are in English)
    "EMOTIONPIX_TMDB_API_KEY",
    "themoviedb",
    "org",
    "Settings",
    "API",
}
# What the page shows as it came from the film data (titles, names, languages).
FILM_DATA = (
    ".card-title, .card-original, .poster, #details-title, #details-original, "
    "#details-meta, #details-overview, #details-director, #details-cast, #details-trailer, "
    # "More like this": the films' titles, and reasons that name a film, its director, its cast
    "#details-similar-list"
)
VISIBLE_TEXT = """(skip) => {
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || parent.closest("script, style, template")) continue;
    if (!parent.checkVisibility()) continue;
    words.push(node.textContent);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title]")) {
    if (el.closest(skip) || !el.checkVisibility()) continue;
    words.push(el.getAttribute("placeholder") ?? "", el.getAttribute("aria-label") ?? "",
      el.getAttribute("title") ?? "");
  }
  return words.join(" ");
}"""


def untranslated(page) -> set[str]:
    """English words on the page outside film data and the allowed names."""
    text = page.evaluate(VISIBLE_TEXT, FILM_DATA)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_'\u2019]*", text) if w not in ALLOWED_LATIN}


def open_page(browser, url, *, language="en", theme="light", viewport=(1280, 800)):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        color_scheme=theme,
        locale=LANGUAGES[language].split(",")[0],
        extra_http_headers={"Accept-Language": LANGUAGES[language]},
    )
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.console = Console(page)
    page.goto(url)
    page.wait_for_selector("body[data-ready='true']", state="attached")
    return context, page


@pytest.fixture
def opened():
    contexts = []

    def close_all():
        errors = [e for _, page in contexts for e in page.console.errors]
        for context, _ in contexts:
            context.close()
        assert errors == [], errors

    yield contexts
    close_all()


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


@pytest.mark.parametrize("viewport", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "hi"])
def test_every_language_theme_and_size(
    browser, live_server, opened, artifacts, language, theme, viewport
):
    context, page = open_page(
        browser, live_server + "/", language=language, theme=theme, viewport=viewport
    )
    opened.append((context, page))
    assert page.get_attribute("html", "lang") == language
    # The theme follows the system's: a dark page has a dark background.
    dark = sum(map(int, re.findall(r"\d+", background(page))[:3])) < 3 * 128
    assert dark == (theme == "dark")
    states = {"first screen": axe_violations(page)}
    left = {"first screen": untranslated(page)}
    page.locator(".chip[data-emotion='sad']").click()
    wait_for_cards(page, 20)
    heading = page.inner_text("#results-heading")
    assert heading == ("Drama for a sad mood" if language == "en" else "उदास मूड के लिए ड्रामा")
    reason = page.locator("#grid .card-reason").first.inner_text()
    assert ("picked for your sad mood" in reason) == (language == "en")
    states["films"] = axe_violations(page)
    left["films"] = untranslated(page)
    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    states["details"] = axe_violations(page)
    left["details"] = untranslated(page)
    name = f"i18n-{language}-{theme}-{'phone' if viewport[0] < 600 else 'desktop'}"
    page.screenshot(path=artifacts / f"{name}-details.png")
    page.keyboard.press("Escape")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=artifacts / f"{name}.png")
    assert states == {state: [] for state in states}
    if language == "hi":
        assert left == {state: set() for state in left}


def test_the_language_switch_is_remembered(browser, live_server, opened):
    context, page = open_page(browser, live_server + "/?emotion=happy", language="en")
    opened.append((context, page))
    expect(page.locator("#start-heading")).to_have_text("Movies for how you feel")
    page.locator(".prefs-language button[lang='hi']").click()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert page.get_attribute("html", "lang") == "hi"
    expect(page.locator("#start-heading")).to_have_text("आपके मूड के हिसाब से फ़िल्में")
    # Back where the viewer was, films and all, now in Hindi.
    expect(page.locator("#results-heading")).to_have_text("खुश मूड के लिए कॉमेडी")
    page.goto(live_server + "/")  # the browser still asks for English: the choice wins
    assert page.get_attribute("html", "lang") == "hi"
    page.locator(".prefs-language button[lang='en']").click()
    expect(page.locator("#start-heading")).to_have_text("Movies for how you feel")


def test_the_scripts_speak_the_page_language(browser, live_server, opened, tmp_path):
    context, page = open_page(browser, live_server + "/", language="hi")
    opened.append((context, page))
    page.fill("#q", "Oppenheimer")  # after the offline catalog's last year
    page.press("#q", "Enter")
    expect(page.locator("#results-heading")).to_have_text("“Oppenheimer” के नतीजे")
    expect(page.locator(".empty")).to_contain_text("“Oppenheimer” ऑफ़लाइन कैटलॉग में नहीं है")
    expect(page.locator("#drawn-from")).to_have_text("ऑफ़लाइन कैटलॉग (2014 तक की फ़िल्में) में खोजा गया।")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    page.set_input_files("#upload", str(notes))
    expect(page.locator("#upload-message")).to_have_text(
        "“notes.txt” एक टेक्स्ट फ़ाइल है। किसी चेहरे की JPEG, PNG या WebP तस्वीर चुनिए।"
    )


def test_the_theme_switch_is_remembered(browser, live_server, opened):
    context, page = open_page(browser, live_server + "/", theme="light")
    opened.append((context, page))
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_have_attribute("aria-checked", "false")
    light = background(page)
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-checked", "true")
    assert background(page) != light
    page.wait_for_timeout(300)  # the choice is posted in the background
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert axe_violations(page) == []
    page.locator("#theme-toggle").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert background(page) == light


def test_a_dark_system_starts_dark_and_the_switch_offers_light(browser, live_server, opened):
    context, page = open_page(browser, live_server + "/", theme="dark")
    opened.append((context, page))
    expect(page.locator("#theme-toggle")).to_have_attribute("aria-checked", "true")
    expect(page.locator("#theme-toggle")).to_have_attribute("value", "light")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("language", ["en", "hi"])
@pytest.mark.parametrize("path", ["/signup", "/signin", "/password/forgot", "/nowhere"])
def test_the_other_pages_in_every_language_and_theme(
    browser, live_server, opened, artifacts, path, language, theme
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        color_scheme=theme,
        extra_http_headers={"Accept-Language": LANGUAGES[language]},
    )
    context.add_init_script(path=AXE)
    page = context.new_page()
    page.console = Console(page)
    opened.append((context, page))
    page.goto(live_server + path)
    assert page.get_attribute("html", "lang") == language
    assert axe_violations(page) == []
    if language == "hi":
        assert untranslated(page) == set()
    name = path.strip("/").replace("/", "-")
    page.screenshot(path=artifacts / f"i18n-{name}-{language}-{theme}-phone.png", full_page=True)

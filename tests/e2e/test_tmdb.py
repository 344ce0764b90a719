"""The page with TMDB as the movie source (the local stand-in over HTTP): posters load (the
page being cross-origin isolated), TMDB is credited, details show the backdrop and the
trailer, and an outage says so."""

import pytest

from tests.e2e.conftest import serve_app, tmdb_settings
from tests.e2e.test_browser import wait_for_cards

pytestmark = pytest.mark.e2e

CREDIT = "This product uses the TMDB API but is not endorsed or certified by TMDB."


@pytest.fixture(scope="module")
def live_server(tmdb_server):
    """This module's app: TMDB (the stand-in) as its provider."""
    yield from serve_app(tmdb_settings(tmdb_server.url))


def loaded_posters(page):
    return page.evaluate(
        "[...document.querySelectorAll('#grid .poster img')]"
        ".filter((img) => img.complete && img.naturalWidth > 0).length"
    )


def test_posters_load_and_tmdb_is_credited(make_page, tmdb_api, artifacts):
    page = make_page()
    assert CREDIT in page.inner_text("footer")
    page.click(".chip[data-emotion='happy']")
    wait_for_cards(page, 20)
    for _ in range(50):
        if loaded_posters(page) == 20:
            break
        page.wait_for_timeout(100)
    assert loaded_posters(page) == 20
    # ... on a cross-origin isolated page (for the reader's threads): posters from another
    # origin are fetched without cookies, and still load.
    assert page.evaluate("crossOriginIsolated") is True
    page.screenshot(path=str(artifacts / "tmdb-grid.png"))


def test_details_show_the_trailer_backdrop_and_credit(make_page, tmdb_api, artifacts):
    page = make_page()
    page.fill("#q", "3 idiots")
    page.press("#q", "Enter")
    wait_for_cards(page, 1)
    page.locator("#grid .card").first.click()
    page.wait_for_selector("#details[open]")
    assert page.inner_text("#details-title") == "3 Idiots"
    trailer = page.locator("#details-trailer")
    assert trailer.get_attribute("href") == "https://www.youtube.com/watch?v=K0eDlFX9GMc"
    assert trailer.inner_text() == "Watch the trailer"
    assert "Aamir Khan" in page.inner_text("#details-cast")
    assert page.evaluate(
        "document.querySelector('.details-body').classList.contains('has-backdrop')"
    )
    assert CREDIT in page.inner_text("#details")
    page.screenshot(path=str(artifacts / "tmdb-details.png"))


def test_an_outage_shows_catalog_films_and_says_so(make_page, tmdb_api):
    page = make_page()
    tmdb_api.stop()
    page.click(".chip[data-emotion='disgust']")
    wait_for_cards(page, 20)
    assert "come from the built-in catalog" in page.inner_text("#results .notice")

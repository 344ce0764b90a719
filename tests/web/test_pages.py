import re

from emotionpix.recommend.mapping import DEFAULT_GENRES


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["checks"] == {
        "database": "ok",
        "provider": "catalog",
        "rate_limit_store": "off",  # the test apps turn rate limits off
    }


def test_home_page_lists_every_mood(client):
    html = client.get("/").get_data(as_text=True)
    for mood in ("Happy", "Sad", "Angry", "Surprise", "Neutral", "Fear", "Disgust"):
        assert mood in html


def test_mood_link_renders_the_genre_grid(client):
    html = client.get("/?emotion=fear").get_data(as_text=True)
    assert "Horror for a fear mood" in html
    assert html.count('class="card no-poster" href="/api/movies/') == 20


def test_the_script_clones_the_same_card_markup_the_server_renders(client):
    html = client.get("/?emotion=fear").get_data(as_text=True)
    template = html.split('<template id="card-template">')[1].split("</template>")[0]
    rendered = html.split('<ul class="grid" id="grid">')[1].split("</li>")[0] + "</li>"
    tags = re.compile(r"<(\w+)[^>]*class=\"([\w -]+)\"")
    # The catalog has no posters: the server's card leaves the poster out (no made-up
    # placeholder) and says so in a class, as the script does for such a film.
    assert ("a", "card no-poster") in tags.findall(rendered)
    assert ("span", "poster") not in tags.findall(rendered)
    bare = [tag for tag in tags.findall(template) if tag != ("span", "poster")]
    cards = [("a", "card") if t == ("a", "card no-poster") else t for t in tags.findall(rendered)]
    assert cards == bare
    assert 'href=""' in template
    assert 'data-id=""' in template


def test_the_page_gives_the_script_the_emotion_labels_in_chip_order(client):
    html = client.get("/").get_data(as_text=True)
    labels = re.search(r'id="result-bars" data-labels="([a-z ]+)"', html).group(1).split()
    chips = re.findall(r'data-emotion="([a-z]+)"', html)
    assert labels == chips == list(DEFAULT_GENRES)


def test_search_form_renders_results_escaped(client):
    html = client.get("/?q=<script>sholay").get_data(as_text=True)
    assert "<script>sholay" not in html
    assert "&lt;script&gt;sholay" in html


def test_bad_mood_shows_a_friendly_message(client):
    response = client.get("/?emotion=bored")
    assert response.status_code == 200
    assert "Unknown emotion" in response.get_data(as_text=True)


def test_unknown_page_is_a_friendly_404_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_pages_forbid_inline_scripts_and_foreign_origins(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "connect-src 'self'" in policy
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    assert 'type="module" src="/static/js/app.js"' in html
    assert "http://" not in html.replace("http://www.w3.org", "")


def test_static_assets_are_served_locally(client):
    for path in ("/static/app.css", "/static/js/app.js", "/static/favicon.svg"):
        with client.get(path) as response:  # file responses must be closed
            assert response.status_code == 200


def test_page_starts_with_the_camera_off(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="camera-toggle" class="switch" role="switch" aria-checked="false"' in html
    assert '<button type="button" id="capture" hidden disabled>' in html
    assert '<div class="preview" id="preview" hidden>' in html
    assert 'id="mic" class="icon-button" hidden' in html


def test_the_first_screen_offers_camera_photo_and_mood_with_the_privacy_promise(client):
    html = client.get("/").get_data(as_text=True)
    for heading in ("Your camera", "A photo", "Or pick a mood"):
        assert f">{heading}</h2>" in html
    assert "The camera stays off until you turn it on" in html
    assert "up to 10 MB" in html
    assert 'data-max-bytes="10485760"' in html


def test_the_mood_heading_has_the_right_article(client):
    assert "Action for an angry mood" in client.get("/?emotion=angry").get_data(as_text=True)
    assert "Comedy for a happy mood" in client.get("/?emotion=happy").get_data(as_text=True)


def test_mood_links_and_search_land_on_the_results(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/?emotion=happy#results"' in html
    assert 'action="/#results"' in html


def test_an_error_is_shown_next_to_what_caused_it(client):
    mood = client.get("/?emotion=bored").get_data(as_text=True)
    assert re.search(r'id="mood-message" class="message error"[^>]*>Unknown emotion', mood)
    search = client.get("/?q=" + "x" * 300).get_data(as_text=True)
    assert re.search(r'id="search-message" class="message error"[^>]*>\w', search)


def test_the_details_say_the_catalogs_cast_is_alphabetical(client):
    html = client.get("/").get_data(as_text=True)
    assert "<dt>Cast <small>(A\N{EN DASH}Z)</small></dt>" in html


def test_cards_say_why_each_film_was_picked(client):
    grid = client.get("/?emotion=happy").get_data(as_text=True).split("<template")[0]
    reasons = re.findall(r'class="card-reason">([^<]*)<', grid)
    assert len(reasons) == 20
    assert all(r.endswith("picked for your happy mood") for r in reasons)
    search = client.get("/?q=sholay").get_data(as_text=True)
    assert 'class="card-reason"></span>' in search  # search results are not picks


def test_the_mode_switch_works_without_javascript(client):
    html = client.get("/?emotion=sad&mode=lift").get_data(as_text=True)
    assert "Comedy to lift a sad mood" in html
    assert re.search(r'data-mode="lift" href="[^"]*" aria-current="true"', html)
    assert 'href="/?emotion=fear&amp;mode=lift#results"' in html  # the chips keep the mode
    assert 'id="mode-switch" aria-label="What the films should do" data-mode="lift"' in html


def test_the_page_matches_the_mood_unless_asked_to_lift_it(client):
    html = client.get("/?emotion=sad&mode=anything").get_data(as_text=True)
    assert "Drama for a sad mood" in html
    assert re.search(r'data-mode="match" href="[^"]*" aria-current="true"', html)
    assert 'href="/?emotion=fear#results"' in html
    assert 'data-mode=""' in html  # nothing asked: the script may use the remembered choice

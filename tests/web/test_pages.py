def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["checks"] == {"database": "ok", "provider": "catalog"}


def test_home_page_lists_every_mood(client):
    html = client.get("/").get_data(as_text=True)
    for mood in ("Happy", "Sad", "Angry", "Surprise", "Neutral", "Fear", "Disgust"):
        assert mood in html


def test_mood_link_renders_the_genre_grid(client):
    html = client.get("/?emotion=fear").get_data(as_text=True)
    assert "Horror for a fear mood" in html
    assert html.count('class="card"') == 20


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

"""Movie-night rooms through the API: joining, moods, the room's films (least misery, then
the mean), vetoes and votes reaching tonight's pick, expiry, who may see what, the member
cap, rate limits and CSRF; and the page's forms without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from emotionpix.rooms import STORE_KEY, RoomStore
from emotionpix.rooms.store import TABLES
from emotionpix.wiring import database
from tests.accounts import console, csrf_token, verified_user
from tests.web.test_json_limits import HOSTILE


def person(app):
    """A browser of its own (its own session), with the CSRF header its page would send."""
    client = app.test_client()
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


@pytest.fixture
def room(app):
    """A room opened by Ana, joined by Ben and Cara: (code, {name: client})."""
    ana, ben, cara = person(app), person(app), person(app)
    opened = ana.post("/api/rooms", json={"name": "Ana"})
    assert opened.status_code == 201
    code = opened.get_json()["code"]
    assert opened.get_json()["url"].endswith(f"/rooms/{code}")
    for name, client in (("Ben", ben), ("Cara", cara)):
        assert client.post(f"/api/rooms/{code}/join", json={"name": name}).status_code == 200
    return code, {"Ana": ana, "Ben": ben, "Cara": cara}


def moods(code, people):
    people["Ana"].post(f"/api/rooms/{code}/mood", json={"emotion": "happy"})
    people["Ben"].post(f"/api/rooms/{code}/mood", json={"emotions": {"sad": 0.7, "neutral": 0.3}})
    return people["Cara"].post(f"/api/rooms/{code}/mood", json={"emotion": "happy"}).get_json()


def signed_in(app, email: str = "ann@example.com"):
    """A signed-in member's browser, with the CSRF header its page would send."""
    client = app.test_client()
    verified_user(client, console(app), email)
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def rows(app):
    with database(app).connect() as conn:
        return sum(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES)


def test_members_join_with_a_name_and_see_who_is_ready(room):
    code, people = room
    state = people["Ben"].get(f"/api/rooms/{code}").get_json()
    assert [(m["name"], m["host"], m["ready"]) for m in state["members"]] == [
        ("Ana", True, False),
        ("Ben", False, False),
        ("Cara", False, False),
    ]
    assert state["you"] == {"name": "Ben", "host": False}
    assert state["mood"] is None
    assert state["movies"] == []
    assert state["pick"] is None
    # Joining again changes nothing; a second "Ana" is told apart.
    people["Ben"].post(f"/api/rooms/{code}/join", json={"name": "Ben"})
    assert len(people["Ben"].get(f"/api/rooms/{code}").get_json()["members"]) == 3


def test_a_name_already_taken_is_numbered(app, room):
    code, _ = room
    other = person(app)
    state = other.post(f"/api/rooms/{code}/join", json={"name": "  Ana "}).get_json()
    assert state["you"]["name"] == "Ana 2"


def test_the_room_blends_everyones_mood_and_its_films_fit_everyone(room):
    code, people = room
    state = moods(code, people)
    assert all(m["ready"] for m in state["members"])
    assert [m["emotion"] for m in state["members"]] == ["happy", "sad", "happy"]
    assert state["mood"]["emotion"] == "happy"
    assert state["mood"]["emotions"]["sad"] == pytest.approx(0.7 / 3, abs=0.01)
    films = state["movies"]
    assert 0 < len(films) <= 12
    # Least misery: the films that fit every member come first, by their mean fit.
    everyone = [f for f in films if f["fit"]["worst"] > 0]
    assert everyone
    assert films[: len(everyone)] == everyone
    means = [f["fit"]["mean"] for f in everyone]
    assert means == sorted(means, reverse=True)
    assert "fits everyone's mood: Ana (happy), Ben (sad) and Cara (happy)" in everyone[0]["reason"]
    # Every member sees the same films.
    assert people["Ana"].get(f"/api/rooms/{code}").get_json()["movies"] == films


def test_a_mood_can_be_changed_and_bad_moods_are_refused(room):
    code, people = room
    ana = people["Ana"]
    ana.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"})
    state = ana.post(f"/api/rooms/{code}/mood", json={"emotion": "fear"}).get_json()
    assert state["members"][0]["emotion"] == "fear"
    assert "Ana (fear)" in state["movies"][0]["reason"]
    for body in ({}, {"emotion": "bored"}, {"emotions": {"happy": 2}}, {"emotions": []}):
        answer = ana.post(f"/api/rooms/{code}/mood", json=body)
        assert answer.status_code == 400
        assert answer.get_json()["error"] == "invalid_emotion"


def test_a_veto_removes_the_film_for_everyone(room):
    code, people = room
    film = moods(code, people)["movies"][0]
    state = people["Ben"].post(f"/api/rooms/{code}/veto", json={"movie_id": film["id"]}).get_json()
    assert film["id"] not in [f["id"] for f in state["movies"]]
    for client in people.values():
        seen_by = client.get(f"/api/rooms/{code}").get_json()
        assert film["id"] not in [f["id"] for f in seen_by["movies"]]
        assert seen_by["vetoed"] == [{"id": film["id"], "title": film["title"], "by": "Ben"}]
    refused = people["Ana"].post(f"/api/rooms/{code}/vote", json={"movie_id": film["id"]})
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "vetoed"
    unknown = people["Ana"].post(f"/api/rooms/{code}/veto", json={"movie_id": "Q1"})
    assert unknown.status_code == 404


def test_when_everyone_has_voted_the_room_shows_tonights_pick(room):
    code, people = room
    films = moods(code, people)["movies"]
    first, second = films[0]["id"], films[1]["id"]
    people["Ana"].post(f"/api/rooms/{code}/vote", json={"movie_id": first})
    people["Ben"].post(f"/api/rooms/{code}/vote", json={"movie_id": second})
    state = people["Ben"].post(f"/api/rooms/{code}/vote", json={"movie_id": first}).get_json()
    assert state["votes"] == {first: 2}
    assert state["pick"] is None
    state = people["Cara"].post(f"/api/rooms/{code}/vote", json={"movie_id": second}).get_json()
    assert state["pick"]["id"] == first
    assert people["Ana"].get(f"/api/rooms/{code}").get_json()["pick"]["title"] == films[0]["title"]
    # Without a TMDB key nothing is said about where to watch it but what that needs, as in
    # the main page's details.
    assert "watch" not in state["pick"]
    page = people["Ana"].get(f"/rooms/{code}").get_data(as_text=True)
    assert "Where to watch needs a TMDB key" in page
    assert 'id="pick-watch-offers"' not in page
    late = people["Cara"].post(f"/api/rooms/{code}/vote", json={"movie_id": second})
    assert late.status_code == 400
    assert late.get_json()["error"] == "room_decided"


def test_the_host_can_close_the_vote(room):
    code, people = room
    films = moods(code, people)["movies"]
    people["Ben"].post(f"/api/rooms/{code}/vote", json={"movie_id": films[2]["id"]})
    refused = people["Ben"].post(f"/api/rooms/{code}/close", json={})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "not_the_host"
    state = people["Ana"].post(f"/api/rooms/{code}/close", json={}).get_json()
    assert state["pick"]["id"] == films[2]["id"]


@pytest.mark.parametrize("action", ["vote", "veto"])
def test_a_vote_or_veto_that_meets_the_host_closing_is_refused_and_the_pick_stands(
    app, room, monkeypatch, action
):
    code, people = room
    films = moods(code, people)["movies"]
    people["Ben"].post(f"/api/rooms/{code}/vote", json={"movie_id": films[2]["id"]})
    store = app.extensions[STORE_KEY]
    made = getattr(RoomStore, action)

    def host_closes_first(self, *args):  # the close lands after the request read the room
        monkeypatch.setattr(RoomStore, action, made)
        people["Ana"].post(f"/api/rooms/{code}/close", json={})
        return made(self, *args)

    monkeypatch.setattr(RoomStore, action, host_closes_first)
    late = people["Cara"].post(f"/api/rooms/{code}/{action}", json={"movie_id": films[0]["id"]})
    assert late.status_code == 400
    assert late.get_json()["error"] == "room_decided"
    state = people["Cara"].get(f"/api/rooms/{code}").get_json()
    assert state["pick"]["id"] == films[2]["id"]
    assert store.room(code).pick == films[2]["id"]


def test_a_page_asks_cheaply_whether_anything_changed(room):
    code, people = room
    version = people["Ana"].get(f"/api/rooms/{code}").get_json()["version"]
    assert people["Ana"].get(f"/api/rooms/{code}?since={version}").status_code == 204
    people["Ben"].post(f"/api/rooms/{code}/mood", json={"emotion": "sad"})
    changed = people["Ana"].get(f"/api/rooms/{code}?since={version}")
    assert changed.status_code == 200
    assert changed.get_json()["version"] > version
    assert changed.headers["Cache-Control"] == "no-store"


def test_non_members_get_403_and_unknown_rooms_404(app, room):
    code, _ = room
    stranger = person(app)
    for answer in (
        stranger.get(f"/api/rooms/{code}"),
        stranger.get(f"/api/rooms/{code}?since=1"),
        stranger.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"}),
        stranger.post(f"/api/rooms/{code}/vote", json={"movie_id": "Q1"}),
    ):
        assert answer.status_code == 403
        assert answer.get_json()["error"] == "not_a_member"
    for missing in ("ZZZZZZZZ", "nope", "22222222"):
        answer = stranger.get(f"/api/rooms/{missing}")
        assert answer.status_code == 404
        assert answer.get_json()["error"] == "room_not_found"
        assert stranger.post(f"/api/rooms/{missing}/join", json={"name": "X"}).status_code == 404
    assert stranger.get("/rooms/ZZZZZZZZ").status_code == 404


def test_a_room_ends_six_hours_after_its_last_change_and_leaves_no_row(app, room, clock):
    code, people = room
    app.extensions["emotionpix.rooms"].clock = clock
    moods(code, people)  # a change: the six hours start again now
    clock.advance(5 * 3600)
    people["Ana"].post(f"/api/rooms/{code}/mood", json={"emotion": "sad"})
    clock.advance(5 * 3600)
    assert people["Ana"].get(f"/api/rooms/{code}").status_code == 200
    assert rows(app) > 0
    clock.advance(3600 + 1)
    answer = people["Ana"].get(f"/api/rooms/{code}")
    assert answer.status_code == 404
    assert answer.get_json()["error"] == "room_not_found"
    assert rows(app) == 0  # names, moods, vetoes and votes are gone


def test_a_room_holds_twelve_people(app, room):
    code, _ = room
    for number in range(9):
        assert (
            person(app).post(f"/api/rooms/{code}/join", json={"name": f"P{number}"}).status_code
            == 200
        )
    full = person(app).post(f"/api/rooms/{code}/join", json={"name": "Thirteen"})
    assert full.status_code == 403
    assert full.get_json()["error"] == "room_full"


@pytest.mark.parametrize("name", ["", "   ", "x" * 41, 7, None])
def test_a_member_needs_a_name(app, room, name):
    code, _ = room
    answer = person(app).post(f"/api/rooms/{code}/join", json={"name": name})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "invalid_name"


def test_joins_and_strangers_looks_are_rate_limited_but_members_poll_freely(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_ROOMS="4 per minute")
    host = person(app)  # opening a room counts too (all these clients share an address)
    code = host.post("/api/rooms", json={"name": "Ana"}).get_json()["code"]
    guesser = person(app)
    answers = [guesser.get(f"/api/rooms/{guess}") for guess in ("ZZZZZZZZ", "YYYYYYYY")]
    answers.append(guesser.post(f"/api/rooms/{code}/join", json={"name": "Ben"}))
    assert [a.status_code for a in answers] == [404, 404, 200]
    late = person(app).post(f"/api/rooms/{code}/join", json={"name": "Cara"})  # same address
    assert late.status_code == 429
    assert "Retry-After" in late.headers
    for _ in range(5):
        assert host.get(f"/api/rooms/{code}").status_code == 200


def test_changes_need_the_pages_csrf_token(app, room):
    code, people = room
    ana = people["Ana"]
    del ana.environ_base["HTTP_X_CSRFTOKEN"]
    answer = ana.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "csrf_failed"


def test_signed_in_members_seen_films_never_come_up_and_no_mood_is_recorded(app, room):
    code, people = room
    film = moods(code, people)["movies"][0]["id"]
    ann = signed_in(app)
    ann.post("/account/history", data={"enabled": "on", "csrf_token": csrf_token(ann, "/")})
    assert ann.post("/api/seen", json={"id": film}).status_code == 201
    ann.post(f"/api/rooms/{code}/join", json={"name": "Ann"})
    state = ann.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"}).get_json()
    assert film not in [f["id"] for f in state["movies"]]
    assert ann.get("/api/moods").get_json()["moods"] == []  # the room's mood stays in the room


def test_signed_in_members_not_for_me_films_never_come_up(app, room):
    code, people = room
    films = [f["id"] for f in moods(code, people)["movies"]]
    ann = signed_in(app)
    said = {
        films[0]: {"verdict": "dislike"},  # "not for me"
        films[1]: {"verdict": "dislike", "reason": "too-long"},
        films[2]: {"verdict": "dislike", "reason": "not-in-mood", "emotion": "happy"},
        films[3]: {"verdict": "dislike", "reason": "not-in-mood", "emotion": "sad"},
    }
    for film, verdict in said.items():
        assert ann.post("/api/feedback", json={"movie_id": film, **verdict}).status_code == 201
    ann.post(f"/api/rooms/{code}/join", json={"name": "Ann"})
    state = ann.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"}).get_json()
    shown = {f["id"] for f in state["movies"]}
    assert not {films[0], films[1], films[2]} & shown  # nor "not in the mood" for her mood
    for client in people.values():  # for nobody in the room
        assert not {films[0], films[1]} & {
            f["id"] for f in client.get(f"/api/rooms/{code}").get_json()["movies"]
        }
    assert films[3] in shown  # not in the mood for sad: she is happy here


@pytest.mark.parametrize(
    "turned_down",
    [
        pytest.param(
            lambda film: ("/api/feedback", {"movie_id": film, "verdict": "dislike"}),
            id="not-for-me",
        ),
        pytest.param(lambda film: ("/api/seen", {"id": film}), id="seen-it"),
    ],
)
def test_a_film_a_member_turns_down_while_in_the_room_goes_at_once(app, room, turned_down):
    code, people = room
    moods(code, people)
    ann = signed_in(app)
    ann.post(f"/api/rooms/{code}/join", json={"name": "Ann"})
    state = ann.post(f"/api/rooms/{code}/mood", json={"emotion": "happy"}).get_json()
    film = state["movies"][0]["id"]
    version = state["version"]
    address, body = turned_down(film)
    assert ann.post(address, json=body).status_code == 201
    for client in (ann, *people.values()):  # every page's next poll brings the change
        answer = client.get(f"/api/rooms/{code}?since={version}")
        assert answer.status_code == 200
        films = [f["id"] for f in answer.get_json()["movies"]]
        assert len(films) == len(state["movies"])
        assert film not in films
    # "Not in the mood" for another mood than hers leaves the room as it is.
    version = ann.get(f"/api/rooms/{code}").get_json()["version"]
    other = {"verdict": "dislike", "reason": "not-in-mood", "emotion": "fear"}
    ann.post("/api/feedback", json={"movie_id": films[0], **other})
    assert films[0] in [f["id"] for f in ann.get(f"/api/rooms/{code}").get_json()["movies"]]


def test_deleting_an_account_takes_it_out_of_its_rooms(app, room):
    code, people = room
    moods(code, people)
    ann = signed_in(app)
    ann.post(f"/api/rooms/{code}/join", json={"name": "Ann"})
    ann.post(f"/api/rooms/{code}/mood", json={"emotion": "fear"})
    films = ann.get(f"/api/rooms/{code}").get_json()["movies"]
    ann.post(f"/api/rooms/{code}/vote", json={"movie_id": films[0]["id"]})
    ann.post(f"/api/rooms/{code}/veto", json={"movie_id": films[1]["id"]})
    deleted = ann.post(
        "/account/delete", data={"confirm": "on", "csrf_token": csrf_token(ann, "/")}
    )
    assert deleted.status_code == 200
    state = people["Ben"].get(f"/api/rooms/{code}").get_json()
    assert [m["name"] for m in state["members"]] == ["Ana", "Ben", "Cara"]
    assert state["votes"] == {}
    assert state["vetoed"] == []
    assert state["movies"]
    assert not any("Ann" in f["reason"] for f in state["movies"])
    assert state["mood"]["members"] == 3
    with database(app).connect() as conn:
        accounts = {r[0] for r in conn.execute(select(TABLES[1].c.account_id))}
    assert accounts == {None}


def test_when_the_host_deletes_their_account_the_next_member_hosts(app):
    ann = signed_in(app)
    code = ann.post("/api/rooms", json={"name": "Ann"}).get_json()["code"]
    ben, cara = person(app), person(app)
    for name, client in (("Ben", ben), ("Cara", cara)):
        assert client.post(f"/api/rooms/{code}/join", json={"name": name}).status_code == 200
    assert ben.get(f"/api/rooms/{code}").get_json()["you"]["host"] is False
    ann.post("/account/delete", data={"confirm": "on", "csrf_token": csrf_token(ann, "/")})
    state = ben.get(f"/api/rooms/{code}").get_json()
    assert [(m["name"], m["host"]) for m in state["members"]] == [("Ben", True), ("Cara", False)]
    assert state["you"]["host"] is True
    # the new host can close the vote
    assert ben.post(f"/api/rooms/{code}/close").status_code == 200


def test_the_shared_link_is_built_on_the_public_address(make_app):
    app = make_app(PUBLIC_URL="https://films.example.org")
    host = person(app)
    opened = host.post("/api/rooms", json={"name": "Ana"}).get_json()
    assert opened["url"] == f"https://films.example.org/rooms/{opened['code']}"
    spoofed = host.get(f"/api/rooms/{opened['code']}", headers={"Host": "evil.example"})
    assert spoofed.status_code == 400  # a Host the app does not answer to


def test_the_page_shares_a_qr_code_and_joins_without_javascript(app):
    host = app.test_client()
    assert "Start a movie night" in host.get("/").get_data(True)
    started = host.post("/rooms", data={"name": "Ana", "csrf_token": csrf_token(host, "/")})
    assert started.status_code == 303
    url = started.headers["Location"]
    code = url.rsplit("/", 1)[1]
    page = host.get(url).get_data(True)
    assert "Ana" not in page or "join-name" not in page  # the host is already in
    assert 'src="/static/js/room.js"' in page
    qr = host.get(f"/rooms/{code}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert qr.get_data(True).startswith("<svg")
    guest = app.test_client()
    invite = guest.get(f"/rooms/{code.lower()}", follow_redirects=True).get_data(True)
    assert 'id="join-name"' in invite
    assert "room.js" not in invite
    joined = guest.post(
        f"/rooms/{code}/join", data={"name": "Ben", "csrf_token": csrf_token(guest, url)}
    )
    assert joined.status_code == 303
    state = guest.get(f"/api/rooms/{code}").get_json()
    assert [m["name"] for m in state["members"]] == ["Ana", "Ben"]


def test_ended_rooms_are_deleted_while_other_rooms_are_in_use(app, room, clock):
    ended, people = room
    app.extensions["emotionpix.rooms"].clock = clock
    people["Ana"].post(f"/api/rooms/{ended}/mood", json={"emotion": "happy"})  # its last change
    other = person(app)
    code = other.post("/api/rooms", json={"name": "Dee"}).get_json()["code"]
    clock.advance(5 * 3600)
    other.post(f"/api/rooms/{code}/mood", json={"emotion": "sad"})  # this room goes on
    clock.advance(3600 + 301)
    assert other.get(f"/api/rooms/{code}").status_code == 200
    with database(app).connect() as conn:
        for table in TABLES:
            column = table.c.code if "code" in table.c else table.c.room
            left = select(func.count()).select_from(table).where(column == ended)
            assert conn.execute(left).scalar_one() == 0


@pytest.mark.parametrize("body", ["objects 5,000 deep", "a megabyte of spaces", "not json"])
@pytest.mark.parametrize("action", ["", "/join", "/mood", "/veto", "/vote"])
def test_hostile_bodies_are_invalid_json_never_a_500(app, room, action, body):
    code, people = room
    client = person(app) if action in ("", "/join") else people["Ben"]
    data, status = HOSTILE.get(body, ("{nope", 400))
    path = "/api/rooms" if action == "" else f"/api/rooms/{code}{action}"
    answer = client.post(path, data=data, content_type="application/json")
    assert answer.status_code == status
    assert answer.get_json()["error"] == "invalid_json"


def test_the_room_as_server_sent_events(make_app):
    app = make_app(ROOM_STREAM_SECONDS=0.2)
    ana, ben = person(app), person(app)
    code = ana.post("/api/rooms", json={"name": "Ana"}).get_json()["code"]
    ben.post(f"/api/rooms/{code}/join", json={"name": "Ben"})
    answer = ana.get(f"/api/rooms/{code}/events")
    assert answer.mimetype == "text/event-stream"
    text = answer.get_data(as_text=True)
    version = ana.get(f"/api/rooms/{code}").get_json()["version"]
    assert text.startswith("retry: 1000\n\n")
    assert f"id: {version}\nevent: room\ndata: " in text
    assert '"name": "Ben"' in text
    # From the last event it has, a client gets nothing new until the room changes.
    quiet = ana.get(f"/api/rooms/{code}/events", headers={"Last-Event-ID": str(version)})
    assert "event: room" not in quiet.get_data(as_text=True)
    assert person(app).get(f"/api/rooms/{code}/events").status_code == 403
    assert ana.get("/api/rooms/ZZZZZZZZ/events").status_code == 404


def test_strangers_cannot_tell_rooms_apart_by_trying_any_endpoint(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATE_LIMIT_ROOMS="3 per minute")
    stranger = person(app)
    answers = [stranger.get("/api/rooms/ZZZZZZZZ/events").status_code]
    for action in ("mood", "veto", "vote", "close"):
        answers.append(stranger.post(f"/api/rooms/ZZZZZZZZ/{action}", json={}).status_code)
    assert answers == [404, 404, 404, 429, 429]  # one count for every way in

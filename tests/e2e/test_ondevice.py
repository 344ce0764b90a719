"""Reading faces on the device, in a real browser: the camera frame and uploaded photos are
read by ONNX Runtime's WebAssembly build in a worker and only the mood reaches the server;
without WebAssembly the server reads; live mode holds a settled mood; several faces make a
room mood."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from emotionpix.emotion.registry import DEFAULT_MODEL, get_model
from tests.e2e.conftest import camera_frame, launch, write_y4m
from tests.e2e.test_browser import wait_until
from tests.images import DRAWN_DIR, drawn_smiley, encode, neutral_frame, photo, two_faces

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

READY = "document.body.dataset.ondeviceLoadMs !== undefined"


def y4m_sequence(frames: list[Any], path: Path, fps: int) -> None:
    """A Y4M video of ``frames`` (PIL images of one size) at ``fps``; Chromium loops it."""
    parts = []
    for index, image in enumerate(frames):
        one = path.with_suffix(f".{index}.y4m")
        write_y4m(image, one, frames=1)
        header, frame = one.read_bytes().split(b"\n", 1)
        parts.append(frame)
        one.unlink()
    header = header.replace(b"F30:1", f"F{fps}:1".encode())
    path.write_bytes(header + b"\n" + b"".join(parts))


@pytest.fixture(scope="module")
def live_browser(driver: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A fake camera that shows a smile for 1.5 s, a neutral face for 0.6 s, then smiles
    again for 1.5 s (10 frames a second, looped)."""
    happy, neutral = camera_frame(), neutral_frame()
    path = tmp_path_factory.mktemp("live") / "happy-neutral-happy.y4m"
    y4m_sequence([happy] * 15 + [neutral] * 6 + [happy] * 15, path, fps=10)
    browser = launch(driver, f"--use-file-for-fake-video-capture={path}")
    yield browser
    browser.close()


# What a browser without WebAssembly looks like to the page (Chromium has no switch that
# removes it: V8's --expose-wasm flag is overridden by the browser).
NO_WEBASSEMBLY = "delete globalThis.WebAssembly;"


@pytest.fixture
def open_page(live_server: str, pages: Any) -> Any:
    """Open the app in ``browser``; page.requests logs every request of its context (page and
    worker), recorded from the first one."""

    def factory(
        browser: Any, camera: bool = False, init_script: str | None = None, block: str | None = None
    ) -> Any:
        return pages.open(
            browser,
            live_server,
            camera=camera,
            init_script=init_script,
            block=block,
            timeout=30_000,
        )

    return factory


def camera_on(page: Any) -> None:
    page.click("#camera-toggle")
    page.wait_for_selector("#capture:not([disabled])")
    wait_until(page, "document.querySelector('#video').videoWidth > 0")


def carrying_data(page: Any) -> list[str]:
    """Every request that sent a body, or asked to read a picture."""
    return [
        f"{r.method} {r.url}"
        for r in page.requests
        if r.method != "GET" or r.post_data_buffer or "/api/emotion" in r.url
    ]


def recommendations_asked(page: Any) -> list[str]:
    return [
        parse_qs(urlsplit(r.url).query)["emotion"][0]
        for r in page.requests
        if urlsplit(r.url).path == "/api/recommendations"
    ]


def test_a_capture_is_read_on_the_device_and_only_the_mood_is_sent(browser, open_page, capsys):
    page = open_page(browser, camera=True)
    assert page.get_attribute("body", "data-where") == "device"
    assert page.is_checked("#on-device")
    camera_on(page)
    wait_until(page, READY, timeout_ms=60_000)
    page.click("#capture")
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-heading") == "You look happy"
    assert page.inner_text("#result-genre") == "Comedy"
    assert page.inner_text("#result-where") == "Read on this device; only the mood was sent."
    wait_until(page, "document.body.dataset.lastAnalysisMs !== undefined")
    assert page.inner_text("#results-heading") == "Comedy for a happy mood"
    expect(page.locator("#grid .card")).to_have_count(20)
    assert carrying_data(page) == []
    assert recommendations_asked(page) == ["happy"]
    # The runtime, its wasm and the models came from this app, nowhere else.
    paths = {urlsplit(r.url).path for r in page.requests}
    assert any(p.endswith("/ort-wasm-simd-threaded.wasm") for p in paths)
    assert any(p.endswith("/" + get_model(DEFAULT_MODEL).file) for p in paths)
    assert {urlsplit(r.url).netloc for r in page.requests} == {urlsplit(page.url).netloc}
    # Cross-origin isolated (COOP/COEP), so the reader may run threads: one a core but one
    # (the page's), up to four.
    assert page.evaluate("crossOriginIsolated") is True
    cores = page.evaluate("navigator.hardwareConcurrency")
    threads = page.evaluate("Number(document.body.dataset.ondeviceThreads)")
    assert threads == max(1, min(4, cores - 1))
    load = page.evaluate("Number(document.body.dataset.ondeviceLoadMs)")
    elapsed = page.evaluate("Number(document.body.dataset.lastAnalysisMs)")
    with capsys.disabled():
        print(
            f"\n[e2e] on-device ({threads} threads): runtime + models loaded in {load} ms;"
            f" capture -> grid {elapsed} ms"
        )


def test_without_webassembly_the_server_reads(browser, open_page):
    page = open_page(browser, camera=True, init_script=NO_WEBASSEMBLY)
    assert page.evaluate("typeof WebAssembly") == "undefined"
    assert page.inner_text("#where").startswith("Faces are read on the server:")
    assert page.is_disabled("#on-device")
    camera_on(page)
    page.click("#capture")
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-heading") == "You look happy"
    assert page.inner_text("#result-where") == "Read on the server."
    expect(page.locator("#grid .card")).to_have_count(20)
    assert [r for r in carrying_data(page) if r.startswith("POST ") and "/api/emotion" in r]
    assert page.locator("#live-toggle").is_visible()
    page.click("#live-toggle")  # live mode reads on the device only: it says so and stays off
    expect(page.locator("#camera-message")).to_contain_text("on this device only")
    assert page.get_attribute("#live-toggle", "aria-checked") == "false"


def test_a_model_that_cannot_be_loaded_hands_over_to_the_server(browser, open_page, tmp_path):
    page = open_page(browser, block="**/assets/models/**")
    file = tmp_path / "me.jpg"
    file.write_bytes(encode(photo("astronaut.png"), "JPEG"))
    page.set_input_files("#upload", str(file))
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-heading") == "You look happy"
    assert page.inner_text("#result-where") == "Read on the server."
    assert page.inner_text("#where") == (
        "Faces are read on the server: the reader could not be loaded here."
    )
    assert any("/api/emotion" in r for r in carrying_data(page))


def test_the_viewer_can_choose_the_server(browser, open_page, tmp_path):
    page = open_page(browser)
    page.uncheck("#on-device")
    assert page.inner_text("#where").startswith("Faces are read on the server:")
    file = tmp_path / "me.jpg"
    file.write_bytes(encode(photo("astronaut.png"), "JPEG"))
    page.set_input_files("#upload", str(file))
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-where") == "Read on the server."
    assert any("/api/emotion" in r for r in carrying_data(page))
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    assert not page.is_checked("#on-device")  # remembered


def test_an_upload_is_read_on_the_device(browser, open_page, tmp_path):
    file = tmp_path / "me.jpg"
    file.write_bytes(encode(photo("astronaut.png"), "JPEG"))
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-heading") == "You look happy"
    assert page.inner_text("#result-where") == "Read on this device; only the mood was sent."
    expect(page.locator("#grid .card")).to_have_count(20)
    assert page.inner_text("#results-heading") == "Comedy for a happy mood"
    assert carrying_data(page) == []


def test_a_photo_without_a_face_is_said_so_on_the_device(browser, open_page, tmp_path):
    file = tmp_path / "cat.jpg"
    file.write_bytes(encode(photo("chelsea.png"), "JPEG"))
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    expect(page.locator("#upload-message")).to_contain_text("could not find a face", timeout=30_000)
    assert carrying_data(page) == []


@pytest.mark.parametrize(
    ("name", "drawing"),
    [
        ("emoji.png", lambda: (DRAWN_DIR / "emoji_monkey.png").read_bytes()),
        ("smiley.png", lambda: encode(drawn_smiley(30_003), "PNG")),
    ],
)
def test_a_drawn_face_is_no_face_on_the_device(browser, open_page, tmp_path, name, drawing):
    # BlazeFace takes both for upright faces; the drawn-face gate, run in the worker with the
    # server's weights (contract.detector.drawn), does not: the server's message, nothing sent.
    file = tmp_path / name
    file.write_bytes(drawing())
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    expect(page.locator("#upload-message")).to_contain_text("could not find a face", timeout=30_000)
    assert page.get_attribute("body", "data-where") == "device"
    assert carrying_data(page) == []


def test_a_picture_the_browser_cannot_decode_is_worded_by_the_server(browser, open_page, tmp_path):
    file = tmp_path / "broken.jpg"
    file.write_bytes(encode(photo("astronaut.png"), "JPEG")[:300])
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    expect(page.locator("#upload-message")).to_contain_text("not an image we can read")
    # One bad file says nothing about the reader: the next photo is read on the device.
    assert page.get_attribute("body", "data-where") == "device"
    file.write_bytes(encode(photo("astronaut.png"), "JPEG"))
    page.set_input_files("#upload", str(file))
    expect(page.locator("#result-where")).to_have_text(
        "Read on this device; only the mood was sent."
    )


def test_two_faces_make_a_room_mood_that_picks_the_films(browser, open_page, tmp_path, artifacts):
    file = tmp_path / "two.png"
    file.write_bytes(encode(two_faces(), "PNG"))
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    page.wait_for_selector("#result:not([hidden])")
    # The larger face is neutral; blended by how sure the detector is of each, the room smiles.
    # The page says so once: the headline, the bars, the genre and the films are the room's,
    # and each face's own reading is listed (and drawn on its box).
    assert page.get_attribute("#result-frame", "data-faces") == "2"
    assert page.inner_text("#result-heading") == "The room looks happy"
    assert page.inner_text("#result-confidence").startswith("2 faces, blended")
    readings = sorted(
        page.locator("#result-faces li").evaluate_all(
            "items => items.map((item) => item.dataset.emotion)"
        )
    )
    assert readings == ["happy", "neutral"]
    assert page.get_attribute("#result-bars li.top .bar-track", "aria-label").startswith("Happy")
    assert page.inner_text("#result-genre") == "Comedy"
    assert "You look" not in page.inner_text("#result")
    expect(page.locator("#grid .card")).to_have_count(20)
    assert page.inner_text("#results-heading").startswith("Comedy")
    assert recommendations_asked(page) == ["happy"]
    assert carrying_data(page) == []
    shots = Path(os.environ.get("ROOMS_SCREENSHOTS", artifacts))
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "two-faces-room-mood.png", full_page=True)


HIDE = """() => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  delete document.hidden;
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_live_mode_holds_a_settled_mood_through_a_passing_face(live_browser, open_page, capsys):
    page = open_page(live_browser, camera=True)
    camera_on(page)
    assert page.get_attribute("#live-toggle", "aria-checked") == "false"  # off by default
    wait_until(page, READY, timeout_ms=60_000)
    page.click("#live-toggle")
    assert page.get_attribute("#live-toggle", "aria-checked") == "true"
    wait_until(page, "document.querySelector('#live').dataset.settled === 'happy'", 30_000)
    expect(page.locator("#live-bars li")).to_have_count(7)
    expect(page.locator("#results-heading")).to_have_text("Comedy for a happy mood")
    # The grid moves when the settled mood changes, and only then: on the smile, or first on
    # the neutral face where live mode began while it passed (the video's phase is chance).
    asked = recommendations_asked(page)
    assert asked[-1] == "happy"
    assert asked in (["happy"], ["neutral", "happy"])
    settled = set()
    # Until the neutral face has been read at least twice (two loops of the video at least).
    for _ in range(600):
        settled.add(page.get_attribute("#live", "data-settled"))
        history = page.get_attribute("#live", "data-history").split()
        if history.count("neutral") >= 2 and history[-1] == "happy":
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError(f"the neutral frames were never read: {history}")
    assert settled == {"happy"}
    assert recommendations_asked(page) == asked  # the passing neutral face moved nothing
    assert page.inner_text("#results-heading") == "Comedy for a happy mood"
    assert carrying_data(page) == []
    # A hidden tab reads nothing (the page is told it is hidden as the browser would).
    page.evaluate(HIDE)
    page.wait_for_timeout(800)  # a reading under way may finish
    paused = page.get_attribute("#live", "data-readings")
    page.wait_for_timeout(1500)
    assert page.get_attribute("#live", "data-readings") == paused
    page.evaluate(SHOW)
    wait_until(page, f"Number(document.querySelector('#live').dataset.readings) > {paused}")
    fps = page.get_attribute("#live", "data-fps")
    with capsys.disabled():
        print(f"\n[e2e] live mode: {fps} readings/s; readings: {' '.join(history)}")
    page.click("#camera-toggle")  # the camera off turns live mode off
    assert page.get_attribute("#live-toggle", "aria-checked") == "false"
    assert page.is_hidden("#live")


SETTLE = """async (readings) => {
  const { MoodSettler } = await import("/static/js/ondevice/settle.js");
  const settler = new MoodSettler();
  return readings.map((reading) => (settler.update(reading), settler.settled));
}"""


def reading(emotion: str, p: float = 0.85) -> dict[str, float]:
    labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]
    return {label: p if label == emotion else (1 - p) / 6 for label in labels}


def test_the_settled_mood_needs_a_lasting_lead(make_page):
    page = make_page()
    moods = ["happy"] * 4 + ["neutral"] * 2 + ["happy"] * 2 + ["neutral"] * 8
    settled = page.evaluate(SETTLE, [reading(m) for m in moods])
    assert settled[:2] == [None, None]  # nothing settles on a first glance
    assert settled[2:8] == ["happy"] * 6  # two neutral readings move nothing
    switch = settled.index("neutral")
    assert 8 + 3 <= switch < 16  # a lasting change does, after a few readings
    assert set(settled[switch:]) == {"neutral"}


ROOM = """async (faces) => {
  const { roomMood } = await import("/static/js/ondevice/room.js");
  return [roomMood(faces), roomMood(faces.slice(0, 1))];
}"""


def test_the_room_mood_weighs_faces_by_detector_score(make_page):
    page = make_page()
    faces = [
        {"score": 0.9, "emotions": reading("happy", 0.9)},
        {"score": 0.6, "emotions": reading("sad", 0.9)},
    ]
    room, alone = page.evaluate(ROOM, faces)
    assert alone is None
    assert room["emotion"] == "happy"
    assert room["count"] == 2
    assert room["emotions"]["happy"] == pytest.approx((0.9 * 0.9 + 0.6 * 0.1 / 6) / 1.5)


# Every text the reader's progress line shows, with whether the one-time note is shown too.
WATCH_PROGRESS = """() => {
  window.__progress = [];
  const text = document.querySelector("#reader-progress-text");
  const once = document.querySelector("#reader-progress-once");
  const box = document.querySelector("#reader-progress");
  new MutationObserver(() => {
    if (!box.hidden) window.__progress.push([text.textContent, !once.hidden]);
  }).observe(box, { subtree: true, childList: true, characterData: true, attributes: true });
}"""


def test_reaching_for_the_camera_starts_loading_the_reader(browser, open_page):
    # The pointer on the switch, before any press: the reader loads (camera still off).
    page = open_page(browser)
    page.hover("#camera-toggle")
    wait_until(page, READY, timeout_ms=30_000)
    assert page.get_attribute("#camera-toggle", "aria-checked") == "false"
    assert any("/assets/models/" in r.url for r in page.requests)


def test_the_first_use_shows_the_download_with_its_size_once(browser, open_page):
    page = open_page(browser, camera=True)
    page.evaluate(WATCH_PROGRESS)
    camera_on(page)
    wait_until(page, READY, timeout_ms=30_000)
    shown = page.evaluate("window.__progress")
    pattern = r"Getting the face reader ready — (\d+\.\d) of (\d+\.\d) MB"
    sizes = [re.fullmatch(pattern, text) for text, _ in shown]
    assert shown
    assert all(sizes), shown
    # What the first reading needs, as sent: the runtime and two of the three models.
    assert 7.0 < float(sizes[-1].group(2)) < 10.0
    assert all(once for _, once in shown), "the first time, it says it is a one-time download"
    assert page.is_hidden("#reader-progress")
    # Read on the device, and nothing of the full-range detector fetched for a close face.
    page.click("#capture")
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-where") == "Read on this device; only the mood was sent."
    assert not any("blazeface_full_range" in r.url for r in page.requests)
    # Back again (files cached): no one-time note any more.
    page.reload()
    page.wait_for_selector("body[data-ready='true']", state="attached")
    page.evaluate(WATCH_PROGRESS)
    camera_on(page)
    wait_until(page, READY, timeout_ms=30_000)
    assert not any(once for _, once in page.evaluate("window.__progress"))


def test_a_distant_face_loads_the_full_range_detector_when_needed(browser, open_page, tmp_path):
    # Too small for the short-range model: the worker loads the full-range one then.
    canvas = Image.new("RGB", (1280, 960), (100, 100, 100))
    canvas.paste(photo("astronaut.png").resize((400, 400)), (440, 280))
    file = tmp_path / "far.png"
    file.write_bytes(encode(canvas, "PNG"))
    page = open_page(browser)
    page.set_input_files("#upload", str(file))
    page.wait_for_selector("#result:not([hidden])")
    assert page.inner_text("#result-where") == "Read on this device; only the mood was sent."
    assert page.get_attribute("#result-frame", "data-faces") == "1"
    assert any("blazeface_full_range" in r.url for r in page.requests)

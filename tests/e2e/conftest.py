"""Browser tests: the real app under Waitress, Debian's Chromium driven by Playwright, and a
fake camera that plays a Y4M file made from scikit-image's public-domain astronaut photo (or,
with ``pattern=True``, Chromium's own test pattern: no face)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
from PIL import Image

from emotionpix import create_app
from tests.images import photo
from tests.integration.server import in_thread
from tests.standins import tmdb

playwright_api = pytest.importorskip("playwright.sync_api")
# A page's first reading on the device fetches and compiles ONNX Runtime and the models
# (3-6 s on a busy 2-core machine): assertions wait long enough for it.
playwright_api.expect.set_options(timeout=20_000)

CHROMIUM = os.environ.get("EMOTIONPIX_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# axe-core for the accessibility audits, vendored by scripts/vendor_axe.py (tests only).
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
]


def write_y4m(image: Image.Image, path: Path, frames: int = 2) -> None:
    """An uncompressed 4:2:0 Y4M video, BT.601 limited range (what Chrome's fake camera
    expects)."""
    rgb = np.asarray(image.convert("RGB"), dtype=np.float64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255

    def subsample(plane: np.ndarray) -> np.ndarray:
        return (plane[0::2, 0::2] + plane[1::2, 0::2] + plane[0::2, 1::2] + plane[1::2, 1::2]) / 4

    planes = [
        np.clip(np.rint(p), 0, 255).astype(np.uint8) for p in (y, subsample(cb), subsample(cr))
    ]
    header = f"YUV4MPEG2 W{image.width} H{image.height} F30:1 Ip A1:1 C420jpeg\n".encode()
    frame = b"FRAME\n" + b"".join(p.tobytes() for p in planes)
    path.write_bytes(header + frame * frames)


def camera_frame() -> Image.Image:
    """640x480: the astronaut (smiling) centred on a grey background, as a webcam sees her."""
    canvas = Image.new("RGB", (640, 480), (90, 90, 90))
    canvas.paste(photo("astronaut.png").resize((480, 480)), (80, 0))
    return canvas


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    yield from serve_app({})


def serve_app(config: dict[str, Any]) -> Iterator[str]:
    """The app with ``config`` under Waitress on a free port, in a thread; yields its URL."""
    instance = tempfile.mkdtemp(prefix="emotionpix-e2e-")
    app = create_app({"ENV": "testing", "INSTANCE_PATH": instance, **config})
    with in_thread(app) as port:
        yield f"http://127.0.0.1:{port}"
    shutil.rmtree(instance, ignore_errors=True)


def tmdb_settings(tmdb_url: str) -> dict[str, Any]:
    """A browser test's app on the TMDB stand-in at ``tmdb_url``: no retries, so an outage
    shows at once. (Not the ``tmdb_config`` fixture, which retries once, per test.)"""
    return {**tmdb.app_settings(tmdb_url), "PROVIDER_RETRIES": 0}


@pytest.fixture(scope="session")
def fake_camera_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("camera") / "astronaut.y4m"
    write_y4m(camera_frame(), path)
    return path


def launch(driver: Any, *args: str) -> Any:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium (see README)")
    return driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=[*BASE_ARGS, *args])


@pytest.fixture(scope="session")
def driver() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(driver: Any, fake_camera_file: Path) -> Iterator[Any]:
    browser = launch(driver, f"--use-file-for-fake-video-capture={fake_camera_file}")
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def pattern_browser(driver: Any) -> Iterator[Any]:
    """A browser whose fake camera plays no file: Chromium then shows its own test pattern
    (a green frame with a clock and a sweeping disc), a picture without a face."""
    browser = launch(driver)
    yield browser
    browser.close()


class Console:
    """Collects console errors and uncaught exceptions of a page."""

    def __init__(self, page: Any):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))

    def _console(self, message: Any) -> None:
        # Chrome logs every 4xx/5xx response as "Failed to load resource"; the tests expect
        # some (422 for a photo without a face) and check them through the UI instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)


class Pages:
    """Fresh browser contexts for one test. Every page logs its requests (``page.requests``,
    the worker's included) and its console errors; when the test ends the contexts close,
    and no page may have logged an error."""

    def __init__(self) -> None:
        self.contexts: list[Any] = []
        self.consoles: list[Console] = []

    def open(
        self,
        browser: Any,
        url: str,
        *,
        viewport: tuple[int, int] = (1280, 900),
        camera: bool = False,
        init_script: str | None = None,
        axe: bool = False,
        block: str | None = None,
        timeout: float = 15_000,
        ready: bool = True,
    ) -> Any:
        """``url`` in a new context: ``camera`` grants the camera to its origin, ``axe`` loads
        axe-core (an init script: the page's CSP does not apply to it), requests to URLs
        matching ``block`` fail as on a broken network, ``ready`` waits for the page's
        script to have wired everything."""
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        if camera:
            parts = urlsplit(url)
            context.grant_permissions(["camera"], origin=f"{parts.scheme}://{parts.netloc}")
        if init_script:
            context.add_init_script(init_script)
        if axe:
            context.add_init_script(path=AXE)
        if block:
            context.route(block, lambda route: route.abort())
        requests: list[Any] = []
        context.on("request", lambda request: requests.append(request))
        page = context.new_page()
        page.set_default_timeout(timeout)
        console = Console(page)
        self.contexts.append(context)
        self.consoles.append(console)
        page.goto(url)
        if ready:
            page.wait_for_selector("body[data-ready='true']", state="attached")
        page.console = console
        page.requests = requests
        return page

    def close(self) -> None:
        errors = [e for console in self.consoles for e in console.errors]
        for context in self.contexts:
            context.close()
        assert errors == [], f"console errors: {errors}"


@pytest.fixture
def pages() -> Iterator[Pages]:
    opened = Pages()
    yield opened
    opened.close()


@pytest.fixture
def make_page(request: pytest.FixtureRequest, live_server: str, pages: Pages) -> Any:
    """Open the app in a fresh browser context; ``camera=True`` grants camera permission,
    ``pattern=True`` uses the browser whose camera shows the test pattern, ``axe=True`` loads
    axe-core into the page."""

    def factory(
        camera: bool = False,
        viewport: tuple[int, int] = (1280, 900),
        init_script: str | None = None,
        pattern: bool = False,
        axe: bool = False,
        path: str = "/",
    ) -> Any:
        browser = request.getfixturevalue("pattern_browser" if pattern else "browser")
        return pages.open(
            browser,
            live_server + path,
            viewport=viewport,
            camera=camera,
            init_script=init_script,
            axe=axe,
        )

    return factory


@pytest.fixture(scope="session")
def artifacts() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path

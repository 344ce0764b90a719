#!/usr/bin/env python3
"""The on-device reader in headless Chromium: what it costs to start and how fast it reads.

    python benchmarks/bench_browser.py [--model NAME] [--frames 30] [--json]

Serves the app (Waitress, in this process), opens it in Debian's Chromium with a fake camera
playing scikit-image's astronaut (needs the dev extra and /usr/bin/chromium) and reports:

- first-use bytes: everything the page and its worker fetched until the first on-device
  reading, raw and as sent (gzip), with the runtime and the models on their own; and what a
  second visit fetches again (the runtime and models are cached as immutable);
- camera switch -> filled grid (the server warmed first: models gzipped, catalog loaded, as
  for a viewer who is not its first): the switch pressed, "Capture my mood" pressed as soon as the
  page allows, until the films are shown (ms): on first use (nothing cached), warm (the
  camera switched off and on again, the reader loaded) and on a second visit (the files in
  the browser's cache, a new worker);
- model load: runtime compiled and models ready in the worker (ms);
- per frame: detect, classify and detect + classify p50 over --frames readings of a 640x480
  frame (in the worker, one WebAssembly thread);
- live mode: readings per second over 10 s;
- capture -> filled grid: p50 of five captures on the device, and of five on the server.

Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import statistics
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import BASE_ARGS, camera_frame, write_y4m  # noqa: E402
from tests.integration.server import in_thread  # noqa: E402

from emotionpix.emotion.registry import DEFAULT_MODEL  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
READ = """async ([pixels, width, height, frames]) => {
  const contract = await (await fetch("/api/ondevice")).json();
  const worker = new Worker("/static/js/ondevice/worker.js", { type: "module" });
  let id = 0;
  const call = (message, transfer = []) => new Promise((resolve) => {
    worker.onmessage = ({ data }) => data.type === "progress" || resolve(data);
    worker.postMessage({ ...message, id: ++id }, transfer);
  });
  await call({ type: "load", contract });
  const timings = [];
  for (let i = 0; i < frames + 3; i += 1) {
    const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
    const message = { type: "analyse", rgba: bytes.buffer, width, height };
    const answer = await call(message, [bytes.buffer]);
    if (i >= 3) timings.push(answer.timings);
  }
  worker.terminate();
  return timings;
}"""


# The camera switch pressed, the capture pressed as soon as the page allows (the button
# enabled and the video playing), until the grid is filled (app.js sets lastAnalysisMs then).
SWITCH_TO_GRID = """async () => {
  const until = async (ready) => {
    while (!ready()) await new Promise((resolve) => setTimeout(resolve, 2));
  };
  delete document.body.dataset.lastAnalysisMs;
  const started = performance.now();
  document.querySelector("#camera-toggle").click();
  const capture = document.querySelector("#capture");
  const video = document.querySelector("#video");
  await until(() => !capture.disabled && !capture.hidden && video.videoWidth > 0);
  capture.click();
  await until(() => document.body.dataset.lastAnalysisMs !== undefined);
  return performance.now() - started;
}"""


def switch_to_grid(page: Any) -> float:
    """ms from the camera switch to a filled grid; the camera is left on."""
    if page.get_attribute("#camera-toggle", "aria-checked") == "true":
        page.click("#camera-toggle")  # off first
    return round(float(page.evaluate(SWITCH_TO_GRID)), 1)


def load_phases(page: Any) -> dict[str, int]:
    """The worker's loading, by phase (ms): importing the runtime's module, creating the
    sessions (the wasm fetched and compiled, the models fetched and prepared), warming up."""
    phases = page.evaluate("JSON.parse(document.body.dataset.ondeviceLoadPhases ?? '{}')")
    return {k: round(v) for k, v in phases.items()}


def wait_until(page: Any, expression: str, timeout_ms: int = 60_000) -> None:
    for _ in range(timeout_ms // 100):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise TimeoutError(expression)


class Traffic:
    """Body bytes the app sent, per path: a WSGI middleware around it (the page's workers
    fetch too, and the browser's cache hits never reach it)."""

    def __init__(self, app: Any):
        self.app = app
        self.sent: list[tuple[str, int, str]] = []  # (path, bytes, content-encoding)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        headers: dict[str, str] = {}

        def start(status: str, response_headers: list[tuple[str, str]], *rest: Any) -> Any:
            headers.update((k.lower(), v) for k, v in response_headers)
            return start_response(status, response_headers, *rest)

        body = b"".join(self.app(environ, start))
        self.sent.append((environ["PATH_INFO"], len(body), headers.get("content-encoding", "")))
        return [body]

    def assets(self, since: int = 0) -> list[tuple[str, int, str]]:
        return [row for row in self.sent[since:] if row[0].startswith("/assets/")]


@contextlib.contextmanager
def serving(model: str) -> Iterator[tuple[str, Traffic]]:
    """The app under Waitress in a thread, its traffic counted; yields (URL, traffic)."""
    from emotionpix import create_app

    with tempfile.TemporaryDirectory(prefix="emotionpix-bench-") as instance:
        traffic = Traffic(create_app({"INSTANCE_PATH": instance, "EMOTION_MODEL": model}))
        with in_thread(traffic) as port:
            yield f"http://127.0.0.1:{port}", traffic


def raw_sizes(paths: list[str]) -> int:
    """The decoded size of the asset files behind these URLs (a model may lie outside the
    package: the research distribution's models are selectable too)."""
    from emotionpix.emotion.contract import model_path
    from emotionpix.emotion.registry import available_models
    from emotionpix.emotion.runtime import MODELS_DIR
    from emotionpix.web.ondevice import RUNTIME_DIR

    models = {Path(spec.file).name: model_path(spec.file) for spec in available_models().values()}
    total = 0
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        if path.startswith("/assets/onnxruntime-web/"):
            total += (RUNTIME_DIR / name).stat().st_size
        else:
            total += models.get(name, MODELS_DIR / name).stat().st_size
    return total


def warm_server(base: str, traffic: Traffic) -> None:
    """What a running server has done before a viewer's first visit (gzipped the models,
    loaded the catalog), so that first use measures the browser, not the server's start."""
    from urllib.request import Request, urlopen

    contract = json.load(urlopen(f"{base}/api/ondevice"))
    urls = [m["url"] for m in contract["detector"]["models"]] + [contract["classifier"]["url"]]
    for url in [*urls, "/api/recommendations?emotion=happy"]:
        urlopen(Request(base + url, headers={"Accept-Encoding": "gzip"})).read()
    traffic.sent.clear()


def measure(base: str, traffic: Traffic, camera: Path, frames: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    warm_server(base, traffic)
    figures: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*BASE_ARGS, f"--use-file-for-fake-video-capture={camera}"],
        )
        context = browser.new_context()
        context.grant_permissions(["camera"], origin=base)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(base)
        page.wait_for_selector("body[data-ready='true']", state="attached")
        figures["switch_to_grid_ms_first_use"] = switch_to_grid(page)
        wait_until(page, "document.body.dataset.ondeviceLoadMs !== undefined")
        figures["model_load_ms"] = page.evaluate("Number(document.body.dataset.ondeviceLoadMs)")
        figures["model_load_phases_ms"] = load_phases(page)
        assert page.get_attribute("body", "data-where") == "device"
        assets = traffic.assets()
        figures["first_use_bytes_sent"] = sum(n for _, n, _ in traffic.sent)
        figures["first_use_assets_bytes_sent"] = sum(n for _, n, _ in assets)
        figures["first_use_assets_bytes_raw"] = raw_sizes([path for path, _, _ in assets])
        figures["first_use_assets"] = {p.rsplit("/", 1)[-1]: f"{n} {e}" for p, n, e in assets}

        warm = [switch_to_grid(page) for _ in range(5)]
        figures["switch_to_grid_ms_warm_p50"] = statistics.median(warm)

        # capture -> filled grid, on the device (warm), then on the server
        for where in ("device", "server"):
            if where == "server":
                page.uncheck("#on-device")
            times = []
            for _ in range(5):
                page.evaluate("delete document.body.dataset.lastAnalysisMs")
                page.click("#capture")
                wait_until(page, "document.body.dataset.lastAnalysisMs !== undefined")
                times.append(page.evaluate("Number(document.body.dataset.lastAnalysisMs)"))
            figures[f"capture_to_grid_ms_{where}_p50"] = statistics.median(times)
        page.check("#on-device")

        # live mode for ten seconds
        page.click("#live-toggle")
        page.wait_for_timeout(10_000)
        figures["live_fps"] = float(page.get_attribute("#live", "data-fps") or 0)
        page.click("#live-toggle")

        # per frame, in a worker of its own
        frame = camera_frame()
        pixels = base64.b64encode(np.asarray(frame.convert("RGBA")).tobytes()).decode()
        timings = page.evaluate(READ, [pixels, frame.width, frame.height, frames])
        for key in ("detect", "classify"):
            figures[f"{key}_ms_p50"] = statistics.median(t[key] for t in timings)
        figures["detect_classify_ms_p50"] = statistics.median(
            t["detect"] + t["classify"] for t in timings
        )

        # a second visit: what is fetched again
        before = len(traffic.sent)
        page.reload()
        page.wait_for_selector("body[data-ready='true']", state="attached")
        figures["switch_to_grid_ms_second_visit"] = switch_to_grid(page)
        wait_until(page, "document.body.dataset.ondeviceLoadMs !== undefined")
        figures["second_visit_model_load_ms"] = page.evaluate(
            "Number(document.body.dataset.ondeviceLoadMs)"
        )
        figures["second_visit_load_phases_ms"] = load_phases(page)
        figures["second_visit_assets_bytes_sent"] = sum(n for _, n, _ in traffic.assets(before))
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help="the expression model (default: the default)"
    )
    parser.add_argument("--frames", type=int, default=30, help="readings timed per frame")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        camera = Path(tmp) / "astronaut.y4m"
        write_y4m(camera_frame(), camera)
        with serving(args.model) as (base, traffic):
            figures = {"model": args.model, **measure(base, traffic, camera, args.frames)}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:34} {value}")


if __name__ == "__main__":
    main()

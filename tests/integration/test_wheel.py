"""The wheel ships what the app runs and nothing else, and the app runs from it alone."""

import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.images import webcam_frame
from tests.integration.server import free_port, get_json, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MODELS = "emotionpix/emotion/models/"
RUNTIME = "emotionpix/web/vendor/onnxruntime-web/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("emotionpix-*.whl")
    return path


def test_the_wheel_is_small_and_holds_no_research_work(wheel):
    # 16.4 MB: the models (6.6 MB deflated), ONNX Runtime Web's wasm (3.7 MB deflated) and
    # its gzip, served as it is (3.7 MB).
    assert wheel.stat().st_size <= 20_000_000
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "training" in n or n.endswith((".jsonl", ".npz", ".pt"))]
    assert not [n for n in names if "axe" in n]  # the accessibility audits' engine: tests only
    assert "emotionpix/providers/data/aliases.json" in names
    assert "emotionpix/recommend/data/tones.csv" in names  # tone profiles (issue 30)
    assert "emotionpix/recommend/data/keyword_tones.json" in names
    assert "emotionpix/migrations/script.py.mako" in names  # `emotionpix db revision`
    assert "emotionpix/migrations/versions/0001_cache_tables.py" in names
    # The compiled catalogue: installing needs nothing but Python to speak Hindi.
    assert "emotionpix/translations/hi/LC_MESSAGES/messages.mo" in names
    assert sorted(n.removeprefix(MODELS) for n in names if n.startswith(MODELS)) == [
        "MODELS.md",
        "blazeface_full_range.onnx",
        "blazeface_short_range.onnx",
        "drawn_gate.json",  # the drawn-face gate's weights (issue 34)
        "emotionpix_wide.onnx",
        "fer_mini_xception.onnx",
    ]
    # The single-threaded SIMD WebAssembly backend only, with its licence and provenance.
    assert sorted(n.removeprefix(RUNTIME) for n in names if n.startswith(RUNTIME)) == [
        "LICENSE",
        "NOTICE.md",
        "VERSION",
        "ort-wasm-simd-threaded.mjs",
        "ort-wasm-simd-threaded.mjs.gz",
        "ort-wasm-simd-threaded.wasm",
        "ort-wasm-simd-threaded.wasm.gz",
        "ort.wasm.min.mjs",
        "ort.wasm.min.mjs.gz",
    ]


def test_the_app_serves_from_the_installed_wheel_alone(wheel, tmp_path):
    """Installed into a folder of its own (its dependencies from this environment), the
    package serves recommendations and reads a face: models, catalog, templates and static
    files all come from the wheel."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), wheel],
        check=True,
        capture_output=True,
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(target),  # ahead of the editable install of the source tree
        "EMOTIONPIX_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    where = subprocess.run(
        [sys.executable, "-c", "import emotionpix; print(emotionpix.__file__)"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(target))
    port = free_port()
    command = [sys.executable, "-m", "emotionpix", "serve", "--port", str(port)]
    with serving(command, port, env, tmp_path / "serve.log") as base:
        assert get_json(f"{base}/api/recommendations?emotion=happy")["genre"] == "Comedy"
        request = urllib.request.Request(
            f"{base}/api/emotion", data=webcam_frame(), headers={"Content-Type": "image/jpeg"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{base}/static/js/app.js", timeout=5) as response:
            assert response.status == 200
        contract = get_json(f"{base}/api/ondevice")
        for url in (
            contract["runtime"]["base"] + "ort-wasm-simd-threaded.wasm",
            contract["classifier"]["url"],
        ):
            request = urllib.request.Request(base + url, headers={"Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.headers["Content-Encoding"] == "gzip"
                assert "immutable" in response.headers["Cache-Control"]

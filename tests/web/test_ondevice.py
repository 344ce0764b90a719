"""What the page needs to read faces on the device: the contract, and the runtime and model
files under versioned, immutable, gzipped URLs."""

import gzip
import hashlib

import pytest

from emotionpix.core.emotions import EMOTIONS
from emotionpix.emotion.detector import FULL_RANGE, SHORT_RANGE
from emotionpix.emotion.engine import ASK_MARGIN
from emotionpix.emotion.framing import TEMPLATE, WORK
from emotionpix.emotion.image import WORKING_SIZE
from emotionpix.emotion.registry import DEFAULT_MODEL, get_model
from emotionpix.emotion.runtime import MODELS_DIR
from emotionpix.web.ondevice import RUNTIME_DIR

IMMUTABLE = "public, max-age=31536000, immutable"


def fetch(client, url, **headers):
    """The response, its file closed (send_file keeps it open until then)."""
    response = client.get(url, headers=headers)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def contract(client):
    response = client.get("/api/ondevice")
    assert response.status_code == 200
    return response.get_json()


def test_the_contract_is_the_engine_s_pipeline(contract):
    assert contract["classifier"]["name"] == DEFAULT_MODEL
    assert contract["classifier"]["labels"] == list(EMOTIONS)
    assert contract["classifier"]["size"] == 48
    assert contract["classifier"]["margin"] == 0.05
    template = [list(point) for point in TEMPLATE]
    assert contract["classifier"]["align"] == {"template": template, "work": WORK}
    assert contract["working_size"] == list(WORKING_SIZE)
    assert contract["pixel_scale"] == 127.5
    assert contract["close_call_margin"] == ASK_MARGIN
    short, full = contract["detector"]["models"]
    assert (short["size"], short["strides"], short["layout"]) == (128, [8, 16], "nchw")
    assert (full["size"], full["strides"], full["layout"]) == (192, [4], "nhwc")
    assert [short["file"], full["file"]] == [SHORT_RANGE.file, FULL_RANGE.file]
    assert contract["runtime"]["module"].startswith(contract["runtime"]["base"])


def test_the_contract_carries_the_drawn_face_gate(contract):
    from emotionpix.emotion.drawn import FEATURES, load_gate

    assert contract["detector"]["drawn"] == load_gate().as_dict()
    assert contract["detector"]["drawn"]["features"] == list(FEATURES)


def test_the_contract_says_how_much_the_page_downloads(client, contract):
    # [bytes as sent, bytes decoded] for the wasm and each model: the page's progress line.
    files = contract["download"]["files"]
    wasm = contract["runtime"]["base"] + "ort-wasm-simd-threaded.wasm"
    urls = [model["url"] for model in contract["detector"]["models"]]
    assert set(files) == {wasm, *urls, contract["classifier"]["url"]}
    wasm_path = RUNTIME_DIR / "ort-wasm-simd-threaded.wasm"
    assert files[wasm] == [
        (RUNTIME_DIR / "ort-wasm-simd-threaded.wasm.gz").stat().st_size,
        wasm_path.stat().st_size,
    ]
    classifier = contract["classifier"]["url"]
    raw = (MODELS_DIR / contract["classifier"]["file"]).stat().st_size
    assert files[classifier][1] == raw
    # Once a model has been sent gzipped, the contract gives its exact size as sent.
    sent = fetch(client, classifier, **{"Accept-Encoding": "gzip"})
    again = client.get("/api/ondevice").get_json()["download"]["files"][classifier]
    assert again == [int(sent.headers["Content-Length"]), raw]


def test_the_contract_follows_the_configured_model(make_app):
    client = make_app(EMOTION_MODEL="fer-mini-xception").test_client()
    classifier = client.get("/api/ondevice").get_json()["classifier"]
    assert (classifier["name"], classifier["size"]) == ("fer-mini-xception", 64)
    assert fetch(client, classifier["url"]).status_code == 200


def test_the_wasm_is_served_gzipped_as_application_wasm_for_good(client, contract):
    url = contract["runtime"]["base"] + "ort-wasm-simd-threaded.wasm"
    raw = (RUNTIME_DIR / "ort-wasm-simd-threaded.wasm").read_bytes()
    response = fetch(client, url, **{"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.mimetype == "application/wasm"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.headers["Vary"] == "Accept-Encoding"
    assert len(response.data) < len(raw) / 3
    assert gzip.decompress(response.data) == raw
    plain = fetch(client, url, **{"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.data == raw


def test_the_runtime_module_and_glue_are_javascript(client, contract):
    for name in ("ort.wasm.min.mjs", "ort-wasm-simd-threaded.mjs"):
        response = fetch(client, contract["runtime"]["base"] + name)
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_models_are_versioned_by_content_and_gzipped(client, contract):
    url = contract["classifier"]["url"]
    path = MODELS_DIR / get_model(DEFAULT_MODEL).file
    assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] in url
    response = fetch(client, url, **{"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert gzip.decompress(response.data) == path.read_bytes()
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "url",
    [
        "/assets/onnxruntime-web/0.0.1/ort.wasm.min.mjs",  # another version
        "/assets/onnxruntime-web/{version}/ort.all.min.mjs",  # not vendored
        "/assets/onnxruntime-web/{version}/LICENSE",  # not a runtime file
        "/assets/onnxruntime-web/{version}/..%2F..%2Fpages.py",
        "/assets/models/0000000000000000/" + get_model(DEFAULT_MODEL).file,  # stale version
        "/assets/models/{model}/runtime.py",  # not a model of the contract
    ],
)
def test_unknown_assets_are_json_404s(client, contract, url):
    version = contract["runtime"]["version"]
    model = contract["classifier"]["url"].split("/")[-2]
    response = client.get(url.format(version=version, model=model), headers={"Accept": "*/*"})
    assert response.status_code == 404
    assert response.get_json()["error"] in {"asset_not_found", "not_found"}


def test_the_page_may_compile_webassembly_and_nothing_more(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "'unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")


@pytest.mark.parametrize(
    "path", ["/", "/static/js/ondevice/worker.js", "/api/ondevice", "/signin", "/account"]
)
def test_every_answer_is_cross_origin_isolated(client, path):
    # Pages, the worker's own script and the runtime's files all carry both headers: a
    # dedicated worker is isolated (and may run threads) only when its script says so too.
    response = client.get(path)
    response.close()  # a static file's answer holds the file open until closed
    headers = response.headers
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # credentialless, not require-corp: posters from a movie API's image host keep loading.
    assert headers["Cross-Origin-Embedder-Policy"] == "credentialless"

"""What the page needs to read faces on the viewer's device: the preprocessing contract with
the URLs of its files (``GET /api/ondevice``), and those files — ONNX Runtime's WebAssembly
build (vendored by scripts/vendor_onnxruntime_web.py) and the models — under versioned URLs
that browsers may cache for good, gzipped when the browser accepts it."""

from __future__ import annotations

import gzip
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request, send_file, url_for

from emotionpix.core.errors import NotFound
from emotionpix.core.i18n import gettext
from emotionpix.emotion.contract import model_path, pipeline_contract
from emotionpix.wiring import emotion_engine

bp = Blueprint("ondevice", __name__)

RUNTIME_DIR = Path(__file__).parent / "vendor" / "onnxruntime-web"
RUNTIME_MODULE = "ort.wasm.min.mjs"
# The runtime's files a browser may ask for (the module imports the glue, which fetches the wasm).
WASM = "ort-wasm-simd-threaded.wasm"
RUNTIME_FILES = (RUNTIME_MODULE, "ort-wasm-simd-threaded.mjs", WASM)
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",
    ".onnx": "application/octet-stream",
}


@cache
def runtime_version() -> str:
    return (RUNTIME_DIR / "VERSION").read_text().strip()


@cache
def digest(path: Path) -> str:
    """The first 16 hex digits of the file's sha256: its version in URLs."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


_GZIPPED: dict[Path, bytes] = {}


def _gzipped(path: Path) -> bytes:
    """The file gzipped once per process (the models; the runtime ships its .gz)."""
    if path not in _GZIPPED:
        _GZIPPED[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
    return _GZIPPED[path]


def _model_files() -> dict[str, Path]:
    contract = pipeline_contract(emotion_engine())
    files = [m["file"] for m in contract["detector"]["models"]] + [contract["classifier"]["file"]]
    return {Path(file).name: model_path(file) for file in files}


def _model_url(file: str) -> str:
    path = model_path(file)
    return url_for("ondevice.model", version=digest(path), name=path.name)


@bp.get("/api/ondevice")
def contract() -> dict[str, Any]:
    """The server's pipeline as data, for the page to run the same one (emotion/contract.py),
    with the URLs of the runtime and the models."""
    found = pipeline_contract(emotion_engine())
    for detector in found["detector"]["models"]:
        detector["url"] = _model_url(detector["file"])
    found["classifier"]["url"] = _model_url(found["classifier"]["file"])
    base = url_for("ondevice.runtime", version=runtime_version(), name="x").removesuffix("x")
    found["runtime"] = {"version": runtime_version(), "base": base, "module": base + RUNTIME_MODULE}
    found["download"] = {"files": _download_sizes(found, base)}
    return found


def _download_sizes(found: dict[str, Any], base: str) -> dict[str, list[int]]:
    """The large files by URL path, each [bytes as sent gzipped, bytes decoded]: what the
    page's worker counts to show its download's progress. A model not gzipped yet in this
    process counts its decoded size until its response says how much is sent (gzipping it
    here would hold the contract up by half a second)."""
    wasm = RUNTIME_DIR / WASM
    sizes = {base + WASM: [_gz_size(wasm), wasm.stat().st_size]}
    models = [*found["detector"]["models"], found["classifier"]]
    for spec in models:
        path = model_path(spec["file"])
        raw = path.stat().st_size
        sizes[spec["url"]] = [len(_GZIPPED[path]) if path in _GZIPPED else raw, raw]
    return sizes


def _gz_size(path: Path) -> int:
    gz = path.with_name(path.name + ".gz")
    return gz.stat().st_size if gz.is_file() else path.stat().st_size


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _immutable(response: Response, content_type: str) -> Response:
    response.headers["Content-Type"] = content_type
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _serve(path: Path, precompressed: bytes | Path | None) -> Response:
    content_type = TYPES[path.suffix]
    if precompressed is None or not _accepts_gzip():
        response = send_file(path, mimetype=content_type, conditional=True, etag=True)
    elif isinstance(precompressed, Path):
        response = send_file(precompressed, mimetype=content_type, conditional=True, etag=True)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(precompressed, mimetype=content_type)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(digest(path) + "-gz")
        response.make_conditional(request)
    return _immutable(response, content_type)


@bp.get("/assets/onnxruntime-web/<version>/<name>")
def runtime(version: str, name: str) -> Response:
    if version != runtime_version() or name not in RUNTIME_FILES:
        raise NotFound(
            gettext(
                "No runtime file %(name)s in version %(version)s.",
                name=repr(name[:80]),
                version=repr(version[:40]),
            ),
            code="asset_not_found",
        )
    path = RUNTIME_DIR / name
    gz = path.with_name(name + ".gz")
    return _serve(path, gz if gz.is_file() else None)


@bp.get("/assets/models/<version>/<name>")
def model(version: str, name: str) -> Response:
    path = _model_files().get(name)
    if path is None or version != digest(path):
        raise NotFound(
            gettext(
                "No model %(name)s in version %(version)s.",
                name=repr(name[:80]),
                version=repr(version[:40]),
            ),
            code="asset_not_found",
        )
    return _serve(path, _gzipped(path))

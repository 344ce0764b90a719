#!/usr/bin/env python3
"""Vendor onnxruntime-web (Microsoft, MIT) for the in-browser emotion reading.

Usage::

    python scripts/vendor_onnxruntime_web.py

Takes the pinned release's tarball from the npm registry, checks it against the registry's
sha512 integrity, and writes into ``src/emotionpix/web/vendor/onnxruntime-web/`` only what
the WebAssembly backend needs:

- ``ort.wasm.min.mjs``: the JavaScript API (InferenceSession, Tensor) for the WASM backend;
- ``ort-wasm-simd-threaded.mjs``: the Emscripten loader and glue it imports;
- ``ort-wasm-simd-threaded.wasm``: the runtime (SIMD; on threads when the page is
  cross-origin isolated, as ours is, on one elsewhere), and ``….wasm.gz``, the same gzipped
  once here so that the app serves it pre-compressed without compressing 14 MB per process;
- ``LICENSE`` (the npm package names MIT but carries no licence file: the text is the MIT
  licence with the copyright line of the onnxruntime repository) and ``NOTICE.md`` (version,
  tarball, integrity and the sha256 of every file written).

The package ships these files, so installing EmotionPix never needs npm or a network. To move
to a newer release, change VERSION and INTEGRITY (the ``dist.integrity`` of
``https://registry.npmjs.org/onnxruntime-web/VERSION``) and run the script again; the app
reads the version from NOTICE.md's neighbour ``VERSION``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "1.30.0"
INTEGRITY = (  # dist.integrity in the registry's metadata of that release
    "sha512-q0y+JrrtukXSzsBWEMccVfqX25LRmosXHF+CaRJmg8pZClzcV7svNc4rKY3jL02Vb7QmRMDs1Sig"
    "qR4CXAfKYQ=="
)
TARBALL = f"https://registry.npmjs.org/onnxruntime-web/-/onnxruntime-web-{VERSION}.tgz"
VENDOR = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "emotionpix"
    / "web"
    / "vendor"
    / "onnxruntime-web"
)
FILES = (
    "ort.wasm.min.mjs",
    "ort-wasm-simd-threaded.mjs",
    "ort-wasm-simd-threaded.wasm",
)
COMPRESSED = FILES
LICENSE = """MIT License

Copyright (c) Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def integrity(data: bytes) -> str:
    """The npm form of a sha512 digest: "sha512-" and the digest in base64."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def notice(written: dict[str, bytes]) -> str:
    rows = "\n".join(
        f"| `{name}` | {len(data):,} | `{hashlib.sha256(data).hexdigest()}` |"
        for name, data in written.items()
    )
    return f"""# onnxruntime-web {VERSION} — vendored

- **What:** the WebAssembly build of ONNX Runtime for browsers, by Microsoft; npm package
  `onnxruntime-web`, version {VERSION}. Only the single-threaded SIMD WASM backend is kept.
- **Licence:** MIT (the package's `package.json`; text in `LICENSE` beside this file).
- **Provenance:** `{TARBALL}`, checked against the registry's integrity
  `{INTEGRITY}`.
- **Made by:** `python scripts/vendor_onnxruntime_web.py` (the `.wasm.gz` is the `.wasm`
  gzipped at level 9 by that script, served to browsers that accept gzip).

| file | bytes | sha256 |
|---|---|---|
{rows}
"""


def extract(tarball: bytes, out: Path) -> list[Path]:
    """Check the tarball against INTEGRITY and write FILES, their gzip, LICENSE and NOTICE."""
    if integrity(tarball) != INTEGRITY:
        raise SystemExit(f"onnxruntime-web {VERSION}: the tarball does not match the integrity")
    written: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for name in FILES:
            source = archive.extractfile(f"package/dist/{name}")
            if source is None:
                raise SystemExit(f"onnxruntime-web {VERSION}: dist/{name} is missing")
            written[name] = source.read()
    for name in COMPRESSED:  # mtime 0: the same bytes on every run
        written[f"{name}.gz"] = gzip.compress(written[name], compresslevel=9, mtime=0)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.iterdir():
        stale.unlink()
    files = {**written, "LICENSE": LICENSE.encode(), "VERSION": f"{VERSION}\n".encode()}
    files["NOTICE.md"] = notice(written).encode()
    for name, data in files.items():
        (out / name).write_bytes(data)
    return [out / name for name in files]


def main() -> None:
    with urllib.request.urlopen(TARBALL, timeout=120) as response:
        tarball = response.read()
    for path in extract(tarball, VENDOR):
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Vendor axe-core (Deque's accessibility engine, MPL-2.0) for the browser tests.

Usage::

    python scripts/vendor_axe.py

Takes the pinned release's tarball from the npm registry, checks it against the registry's
sha512 integrity, and writes ``axe.min.js`` and its licence to ``tests/e2e/vendor/``. Only the
tests use it: the package never ships it, and installing EmotionPix never needs npm. To move
to a newer release, change VERSION and INTEGRITY (the ``dist.integrity`` of
``https://registry.npmjs.org/axe-core/VERSION``) and run the script again.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "4.14.1"
INTEGRITY = (  # dist.integrity in the registry's metadata of that release
    "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyF"
    "NNtuFooJpZe37OgudVGtQ=="
)
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
VENDOR = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "vendor"
# Files taken from the package, and the names they get beside the tests.
FILES = {"package/axe.min.js": "axe.min.js", "package/LICENSE": "axe-core.LICENSE"}


def integrity(data: bytes) -> str:
    """The npm form of a sha512 digest: "sha512-" and the digest in base64."""
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def extract(tarball: bytes, out: Path) -> list[Path]:
    """Check the tarball against INTEGRITY and write FILES from it into ``out``."""
    if integrity(tarball) != INTEGRITY:
        raise SystemExit(f"axe-core {VERSION}: the tarball does not match the pinned integrity")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member, name in FILES.items():
            source = archive.extractfile(member)
            if source is None:
                raise SystemExit(f"axe-core {VERSION}: {member} is missing from the tarball")
            (out / name).write_bytes(source.read())
            written.append(out / name)
    return written


def main() -> None:
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    for path in extract(tarball, VENDOR):
        print(f"wrote {path} ({path.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()

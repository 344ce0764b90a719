"""scripts/vendor_axe.py: the vendored axe-core is the pinned release, with its licence, and a
tarball that does not match the pinned integrity is refused."""

import io
import tarfile

import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def vendor_axe():
    return load_script("vendor_axe")


def test_the_vendored_axe_is_the_pinned_release_with_its_licence(vendor_axe):
    axe = (vendor_axe.VENDOR / "axe.min.js").read_text(encoding="utf-8")
    assert axe.startswith(f"/*! axe v{vendor_axe.VERSION}\n")
    licence = (vendor_axe.VENDOR / "axe-core.LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Mozilla Public License, version 2.0")


def test_the_integrity_is_npms_sha512_form(vendor_axe):
    assert vendor_axe.integrity(b"") == (
        "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="
    )


def test_a_tarball_that_does_not_match_the_pin_is_refused(vendor_axe, tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = b"/*! not axe */"
        info = tarfile.TarInfo("package/axe.min.js")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(SystemExit, match="does not match the pinned integrity"):
        vendor_axe.extract(buffer.getvalue(), tmp_path)
    assert list(tmp_path.iterdir()) == []

"""scripts/vendor_onnxruntime_web.py: the vendored runtime is the pinned release's files, with
its licence and provenance; only the single-threaded SIMD WebAssembly backend is taken; a
tarball that does not match the pinned integrity is refused."""

import gzip
import hashlib
import io
import re
import tarfile

import pytest

from tests.scripts import load_script


@pytest.fixture(scope="module")
def vendor():
    return load_script("vendor_onnxruntime_web")


def test_the_vendored_files_are_the_ones_the_notice_lists(vendor):
    notice = (vendor.VENDOR / "NOTICE.md").read_text(encoding="utf-8")
    assert f"onnxruntime-web {vendor.VERSION}" in notice
    assert vendor.INTEGRITY in notice
    listed = dict(re.findall(r"\| `([^`]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|", notice))
    assert set(listed) == {*vendor.FILES, *(f"{name}.gz" for name in vendor.COMPRESSED)}
    for name, sha256 in listed.items():
        assert hashlib.sha256((vendor.VENDOR / name).read_bytes()).hexdigest() == sha256, name
    assert (vendor.VENDOR / "VERSION").read_text().strip() == vendor.VERSION
    assert (vendor.VENDOR / "LICENSE").read_text().startswith("MIT License")


def test_each_gzip_is_its_file(vendor):
    for name in vendor.COMPRESSED:
        raw = (vendor.VENDOR / name).read_bytes()
        assert gzip.decompress((vendor.VENDOR / f"{name}.gz").read_bytes()) == raw


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_only_the_wasm_backend_is_taken_and_gzipped_the_same_every_time(
    vendor, tmp_path, monkeypatch
):
    files = {f"package/dist/{name}": name.encode() * 100 for name in vendor.FILES}
    files["package/dist/ort.all.min.mjs"] = b"webgpu, webgl, ..."
    data = tarball(files)
    monkeypatch.setattr(vendor, "INTEGRITY", vendor.integrity(data))
    vendor.extract(data, tmp_path / "a")
    vendor.extract(data, tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "ort.all.min.mjs" not in names
    assert set(names) == {
        *vendor.FILES,
        *(f"{n}.gz" for n in vendor.COMPRESSED),
        "LICENSE",
        "NOTICE.md",
        "VERSION",
    }
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_tarball_that_does_not_match_the_pin_is_refused(vendor, tmp_path):
    data = tarball({f"package/dist/{name}": b"not onnxruntime" for name in vendor.FILES})
    with pytest.raises(SystemExit, match="does not match the integrity"):
        vendor.extract(data, tmp_path / "out")
    assert not (tmp_path / "out").exists()

"""The hostile-upload corpus (scripts/make_hostile_corpus.py, generated here, never
committed), sent as raw bodies and as multipart forms: never a 5xx, every error JSON, and
no made-up emotion for a file without a face."""

import importlib.util
import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_hostile_corpus.py"
CLAIMED = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "bin": "application/pdf"}


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("make_hostile_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.corpus(count=300, seed=1)


def test_the_corpus_never_breaks_the_api(client, corpus):
    statuses: dict[int, int] = {}
    for name, data in corpus:
        content_type = CLAIMED[name.rsplit(".", 1)[1]]
        for response in (
            client.post("/api/emotion", data=data, content_type=content_type),
            client.post(
                "/api/emotion",
                data={"image": (io.BytesIO(data), name)},
                content_type="multipart/form-data",
            ),
        ):
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, name
            body = response.get_json()
            if response.status_code >= 400:
                assert set(body) == {"error", "message"}, name
            elif name.startswith(("cat", "text", "empty", "pdf")):
                raise AssertionError(f"{name}: an emotion from a file without a face")
    assert len(corpus) >= 300
    assert {200, 400, 413, 415, 422} <= set(statuses)  # every kind of answer was exercised

"""The page's pipeline (static/js/ondevice/: Pillow's resizes ported, BlazeFace decoding,
crops) on ONNX Runtime Web gives the server pipeline's faces and probabilities for the same
pixels, in Chromium.

The models' inputs (letterboxed frames, face crops) are bit for bit the same, and so are the
boxes. Probabilities differ only as the two runtimes do: the server's ONNX Runtime fuses the
int8 expression model's quantize/dequantize pairs into integer kernels (graph optimisation
"extended" and above), which the WebAssembly build does not. Against the same graph run
natively they agree to about 1e-7 on most pictures (3e-3 at worst: one quantisation step
rounded the other way); against the server as configured, to a few hundredths at worst, the
top emotion always the same."""

from __future__ import annotations

import base64
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image

from emotionpix.emotion.contract import model_path
from emotionpix.emotion.engine import EmotionEngine
from emotionpix.emotion.framing import face_crop, square_crop_box
from emotionpix.emotion.registry import DEFAULT_MODEL
from tests.e2e.conftest import camera_frame
from tests.images import encode, neutral_frame, photo, two_faces

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Runs the page's worker on raw pixels, as the page does with a frame.
READ = """async ([pixels, width, height]) => {
  const contract = await (await fetch("/api/ondevice")).json();
  if (!window.__reader) {
    const worker = new Worker("/static/js/ondevice/worker.js", { type: "module" });
    const call = (message, transfer = []) => new Promise((resolve) => {
      worker.onmessage = ({ data }) => data.type === "progress" || resolve(data);
      worker.postMessage(message, transfer);
    });
    const loaded = await call({ id: 0, type: "load", contract });
    if (!loaded.ok) throw new Error(loaded.error);
    window.__reader = call;
  }
  const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
  const message = { id: 1, type: "analyse", rgba: bytes.buffer, width, height };
  const answer = await window.__reader(message, [bytes.buffer]);
  if (!answer.ok) throw new Error(answer.error);
  return answer;
}"""


def pictures() -> dict[str, Image.Image]:
    astronaut = photo("astronaut.png")
    return {
        "astronaut": astronaut,
        "cameraman": photo("camera.png"),
        "webcam frame": camera_frame(),
        "neutral face": neutral_frame(),
        "two faces": two_faces(),
        # Beyond the working size: the thumbnail's box reduction and filter run first.
        "large, not square": astronaut.resize((2000, 1500), Image.Resampling.BICUBIC),
    }


@pytest.fixture(scope="module")
def engines() -> tuple[EmotionEngine, EmotionEngine]:
    """The server's engine, and one whose classifier runs the graph as the browser does."""
    server = EmotionEngine(DEFAULT_MODEL)
    same_graph = EmotionEngine(DEFAULT_MODEL, detector=server.detector)
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.intra_op_num_threads = 1
    same_graph.classifier.session = ort.InferenceSession(
        str(model_path(server.classifier.spec.file)), options, providers=["CPUExecutionProvider"]
    )
    return server, same_graph


def probabilities(faces: list[Any]) -> np.ndarray:
    return np.array([[face[label] for label in face] for face in faces])


def test_the_page_reads_what_the_server_reads(make_page, engines, capsys):
    page = make_page()
    server, same_graph = engines
    worst = {"server": 0.0, "same graph": 0.0}
    for name, picture in pictures().items():
        rgba = np.asarray(picture.convert("RGBA"))
        pixels = base64.b64encode(rgba.tobytes()).decode()
        answer = page.evaluate(READ, [pixels, picture.width, picture.height])
        data = encode(picture, "PNG")
        expected = server.analyse(data)
        assert answer["imageSize"] == list(expected.image_size), name
        assert [face["box"] for face in answer["faces"]] == [
            list(face.box) for face in expected.faces
        ], name
        assert np.allclose(
            [face["score"] for face in answer["faces"]],
            [face.score for face in expected.faces],
            atol=1e-5,
        ), name
        browser = probabilities([face["emotions"] for face in answer["faces"]])
        for key, engine in (("server", server), ("same graph", same_graph)):
            python = probabilities([face.emotions for face in engine.analyse(data).faces])
            worst[key] = max(worst[key], float(np.abs(browser - python).max()))
        ranked = [max(face["emotions"], key=face["emotions"].get) for face in answer["faces"]]
        assert ranked == [face.emotion for face in expected.faces], name
    with capsys.disabled():
        print(
            f"\n[parity] max |p_browser - p_python| over {len(pictures())} pictures: "
            f"{worst['same graph']:.1e} (same graph), {worst['server']:.1e} (server as configured)"
        )
    assert worst["same graph"] < 5e-3
    assert worst["server"] < 0.06


# The page's preprocessing, by the page's own modules, on the same pixels.
PREPROCESS = """async ([pixels, width, height, found]) => {
  const faces = await import("/static/js/ondevice/faces.js");
  const imaging = await import("/static/js/ondevice/imaging.js");
  const contract = await (await fetch("/api/ondevice")).json();
  const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
  const rgb = imaging.fromRGBA(bytes, width, height);
  const [maxW, maxH] = contract.working_size;
  const working = imaging.thumbnail(rgb, maxW, maxH, contract.working_reducing_gap);
  const encode = (array) => {
    const all = new Uint8Array(array.buffer);
    let text = "";
    for (let i = 0; i < all.length; i += 8192) {
      text += String.fromCharCode(...all.subarray(i, i + 8192));
    }
    return btoa(text);
  };
  const gap = contract.letterbox_reducing_gap;
  const letterboxes = contract.detector.models.map((spec) =>
    encode(faces.letterbox(working, spec, gap, contract.pixel_scale).input));
  const { size, margin } = contract.classifier;
  const byModel = (face) => faces.classifierCrop(working, face, contract.classifier);
  const byBox = (face) => faces.faceCrop(working, faces.squareCropBox(face.box, margin), size);
  const crops = found.map((face) => encode(byModel(face).data));
  const boxCrops = found.map((face) => encode(byBox(face).data));
  return { letterboxes, crops, boxCrops };
}"""


def test_the_models_get_the_same_inputs_bit_for_bit(make_page, engines):
    from emotionpix.emotion.image import decode_image

    page = make_page()
    server, _ = engines
    models = [server.detector.short, server.detector.full]
    for name, picture in pictures().items():
        data = encode(picture, "PNG")
        working = decode_image(data)
        faces = server.detector.detect(working)
        rgba = np.asarray(picture.convert("RGBA"))
        pixels = base64.b64encode(rgba.tobytes()).decode()
        found = [{"box": list(face.box), "keypoints": list(face.keypoints)} for face in faces]
        answer = page.evaluate(PREPROCESS, [pixels, picture.width, picture.height, found])
        for model, letterbox in zip(models, answer["letterboxes"], strict=True):
            expected = model.letterbox(working)[0].astype(np.float32)
            got = np.frombuffer(base64.b64decode(letterbox), np.float32).reshape(expected.shape)
            assert np.array_equal(got, expected), (name, model.spec.file)
        if faces:
            spec = server.classifier.spec
            assert spec.align  # the default model reads aligned faces
            aligned = server.classifier.crops(working, faces)
            boxed = np.stack(
                [face_crop(working, square_crop_box(f.box, spec.margin), spec.size) for f in faces]
            )
            for key, expected in (("crops", aligned), ("boxCrops", boxed)):
                got = [np.frombuffer(base64.b64decode(c), np.uint8) for c in answer[key]]
                assert np.array_equal(np.stack(got).reshape(expected.shape), expected), (name, key)


# The drawn-face gate's statistics by the page's own module, for the given boxes.
DRAWN_FEATURES = """async ([pixels, width, height, boxes]) => {
  const drawn = await import("/static/js/ondevice/drawn.js");
  const imaging = await import("/static/js/ondevice/imaging.js");
  const contract = await (await fetch("/api/ondevice")).json();
  const bytes = Uint8Array.from(atob(pixels), (c) => c.charCodeAt(0));
  const rgb = imaging.fromRGBA(bytes, width, height);
  const [maxW, maxH] = contract.working_size;
  const working = imaging.thumbnail(rgb, maxW, maxH, contract.working_reducing_gap);
  const gate = contract.detector.drawn;
  return boxes.map((box) => {
    const values = drawn.features(drawn.facePatch(working, box, gate.patch));
    return { values, drawn: drawn.looksDrawn(working, box, gate) };
  });
}"""


def drawn_and_real() -> dict[str, Image.Image]:
    from tests.images import DRAWN_DIR, drawn_smiley

    found = {name: picture for name, picture in pictures().items() if name != "two faces"}
    with Image.open(DRAWN_DIR / "emoji_crying.png") as emoji:
        found["emoji"] = emoji.convert("RGB")
    found["smiley"] = drawn_smiley(30_010)
    return found


def test_the_drawn_face_gate_decides_alike_on_both_sides(make_page, engines):
    from emotionpix.emotion.detector import FaceDetector
    from emotionpix.emotion.drawn import face_patch, features, load_gate, looks_drawn
    from emotionpix.emotion.image import decode_image

    page = make_page()
    gate = load_gate()
    ungated = FaceDetector(drawn_gate=None)
    server, _ = engines
    decisions = {}
    for name, picture in drawn_and_real().items():
        data = encode(picture, "PNG")
        working = decode_image(data)
        candidates = ungated.detect(working)
        assert candidates, name
        rgba = np.asarray(picture.convert("RGBA"))
        pixels = base64.b64encode(rgba.tobytes()).decode()
        boxes = [list(face.box) for face in candidates]
        answer = page.evaluate(DRAWN_FEATURES, [pixels, picture.width, picture.height, boxes])
        for face, got in zip(candidates, answer, strict=True):
            expected = features(face_patch(working, face.box, gate.patch))
            assert np.allclose(got["values"], expected, rtol=0, atol=1e-12), name
            assert got["drawn"] == looks_drawn(working, face.box, gate), name
        decisions[name] = [got["drawn"] for got in answer]
        # and the worker as a whole: the server's faces, none for a drawing
        read = page.evaluate(READ, [pixels, picture.width, picture.height])
        kept = server.detector.detect(working)
        assert [face["box"] for face in read["faces"]] == [
            [round(v) for v in face.box] for face in kept
        ], name
    assert decisions["emoji"] == [True]
    assert decisions["smiley"] == [True]
    assert not any(decisions["astronaut"])
    assert not any(decisions["webcam frame"])

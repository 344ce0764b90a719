// The on-device reader, in a module Worker so that the page never stalls: ONNX Runtime's
// WebAssembly build (one thread) runs the same BlazeFace and expression models as the server,
// fed by the same preprocessing (faces.js, imaging.js), described by the server's contract
// (GET /api/ondevice). Pictures come in as pixels and never leave this worker.
//
// Messages: { id, type: "load", contract } -> { id, ok, loadMs }
//           { id, type: "analyse", rgba | bitmap, width, height } -> { id, ok, faces, imageSize, timings }

import { anchors, classifierCrop, classifierInput, decode, letterbox, prominence, upright } from "./faces.js";
import { looksDrawn } from "./drawn.js";
import { fromRGBA, roundHalfEven, thumbnail } from "./imaging.js";

let ort = null;
let contract = null;
let detectors = [];
let classifier = null;

async function session(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`model ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
}

async function load(given) {
  const started = performance.now();
  contract = given;
  ort = await import(contract.runtime.module);
  ort.env.wasm.wasmPaths = contract.runtime.base;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const models = contract.detector.models;
  const sessions = await Promise.all([...models.map((m) => session(m.url)), session(contract.classifier.url)]);
  classifier = sessions.pop();
  detectors = models.map((spec, i) => ({ spec, session: sessions[i], anchors: anchors(spec) }));
  await warmUp();
  return { loadMs: performance.now() - started };
}

// One run of each model on a blank input: a session's first run prepares its kernels, and
// that belongs to loading, not to the viewer's first reading (which is timed: reader.js).
async function warmUp() {
  for (const { spec, session: s } of detectors) {
    const dims = spec.layout === "nchw" ? [1, 3, spec.size, spec.size] : [1, spec.size, spec.size, 3];
    await s.run({ [s.inputNames[0]]: new ort.Tensor("float32", new Float32Array(3 * spec.size ** 2), dims) });
  }
  const { size } = contract.classifier;
  const blank = new ort.Tensor("float32", new Float32Array(size * size), [1, 1, size, size]);
  await classifier.run({ [classifier.inputNames[0]]: blank });
}

// One detector's faces that count: upright, and not drawn (detector.FaceDetector.counts).
async function detectWith(detector, rgb) {
  const { spec } = detector;
  const frame = letterbox(rgb, spec, contract.letterbox_reducing_gap, contract.pixel_scale);
  const input = new ort.Tensor("float32", frame.input, frame.dims);
  const outputs = await detector.session.run({ [detector.session.inputNames[0]]: input });
  const tensors = Object.values(outputs).sort((a, b) => a.dims.at(-1) - b.dims.at(-1));
  const [scores, boxes] = tensors.map((t) => t.data);
  const options = { threshold: contract.detector.threshold, nmsIou: contract.detector.nms_iou };
  const found = decode(scores, boxes, spec, detector.anchors, frame, options, [rgb.width, rgb.height]);
  return found.filter((face) => upright(face) && !looksDrawn(rgb, face.box, contract.detector.drawn));
}

async function detect(rgb) {
  for (const detector of detectors) {
    const faces = await detectWith(detector, rgb);
    if (faces.length) return faces.sort((a, b) => b.score - a.score);
  }
  return [];
}

async function classify(rgb, faces) {
  const { size, labels } = contract.classifier;
  const crops = faces.map((face) => classifierCrop(rgb, face, contract.classifier));
  const input = new ort.Tensor("float32", classifierInput(crops, size, contract.pixel_scale), [crops.length, 1, size, size]);
  const outputs = await classifier.run({ [classifier.inputNames[0]]: input });
  const probs = outputs[classifier.outputNames[0]].data;
  return faces.map((_, n) => Object.fromEntries(labels.map((label, k) => [label, probs[n * labels.length + k]])));
}

function pixels(message) {
  if (message.bitmap) {
    const { width, height } = message.bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(message.bitmap, 0, 0);
    message.bitmap.close();
    return fromRGBA(context.getImageData(0, 0, width, height, { colorSpace: "srgb" }).data, width, height);
  }
  return fromRGBA(new Uint8Array(message.rgba), message.width, message.height);
}

async function analyse(message) {
  const t0 = performance.now();
  const [maxW, maxH] = contract.working_size;
  const rgb = thumbnail(pixels(message), maxW, maxH, contract.working_reducing_gap);
  const t1 = performance.now();
  const found = (await detect(rgb)).sort((a, b) => prominence(b) - prominence(a)).slice(0, contract.max_faces);
  const t2 = performance.now();
  const emotions = found.length ? await classify(rgb, found) : [];
  const t3 = performance.now();
  const faces = found.map((face, n) => ({ box: face.box.map(roundHalfEven), score: face.score, emotions: emotions[n] }));
  const timings = { decode: t1 - t0, detect: t2 - t1, classify: t3 - t2, total: t3 - t0 };
  return { faces, imageSize: [rgb.width, rgb.height], timings };
}

self.addEventListener("message", async ({ data: message }) => {
  try {
    const answer = message.type === "load" ? await load(message.contract) : await analyse(message);
    self.postMessage({ id: message.id, ok: true, ...answer });
  } catch (error) {
    self.postMessage({ id: message.id, ok: false, error: String(error?.message ?? error) });
  }
});

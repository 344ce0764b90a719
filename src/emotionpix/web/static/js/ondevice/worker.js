// The on-device reader, in a module Worker so that the page never stalls: ONNX Runtime's
// WebAssembly build (on threads where the page is cross-origin isolated) runs the same
// BlazeFace and expression models as the server, fed by the same preprocessing (faces.js,
// imaging.js), described by the server's contract (GET /api/ondevice). Pictures come in as
// pixels and never leave this worker.
//
// Loading takes only what the first reading needs: the runtime (compiled while it streams:
// the glue's instantiateStreaming), the short-range detector and the classifier. The
// full-range detector, tried only when the short-range one finds no face, loads the first
// time it is needed. Bytes are counted as they arrive and reported as progress.
//
// Messages: { id, type: "load", contract, countWasm } -> { id, ok, loadMs, phases, threads }
//           { id, type: "analyse", rgba | bitmap, width, height } -> { id, ok, faces, imageSize, timings }
//           and, while files download, { type: "progress", loaded, total } (bytes as sent)

import { anchors, classifierCrop, classifierInput, decode, letterbox, prominence, upright } from "./faces.js";
import { looksDrawn } from "./drawn.js";
import { fromRGBA, roundHalfEven, thumbnail } from "./imaging.js";

let ort = null;
let contract = null;
let detectors = [];
let classifier = null;

// Download progress: for each file the contract lists, the bytes as sent (gzip) and as
// decoded; the decoded bytes read so far stand for their share of the sent ones.
const downloads = new Map();
let lastReport = 0;

function report(force = false) {
  const now = performance.now();
  if (!force && now - lastReport < 50) return;
  lastReport = now;
  let loaded = 0;
  let total = 0;
  for (const file of downloads.values()) {
    if (!file.needed) continue;
    total += file.sent;
    loaded += file.sent * Math.min(1, file.read / file.raw);
  }
  self.postMessage({ type: "progress", loaded: Math.round(loaded), total });
}

// fetch, counting the body's bytes as they stream through (the runtime's glue fetches the
// .wasm with it too, and compiles the stream as it comes: the Response keeps its type). A
// counted Response has no URL, so the browser cannot keep the wasm's compiled code for it:
// the wasm is counted only on a first use (countWasm), when there is a download to show.
const plainFetch = self.fetch.bind(self);
self.fetch = async (input, init) => {
  const response = await plainFetch(input, init);
  const file = downloads.get(new URL(String(input?.url ?? input), self.location.href).pathname);
  if (!file || file.skip || !response.ok || !response.body) return response;
  const sent = Number(response.headers.get("Content-Length"));
  if (sent > 0) file.sent = sent; // the contract's figure may be an estimate
  const counter = new TransformStream({
    transform(chunk, controller) {
      file.read += chunk.byteLength;
      report();
      controller.enqueue(chunk);
    },
    flush() {
      file.read = file.raw;
      report(true);
    },
  });
  const headers = { "Content-Type": response.headers.get("Content-Type") ?? "application/octet-stream" };
  return new Response(response.body.pipeThrough(counter), { status: response.status, headers });
};

async function session(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`model ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  return ort.InferenceSession.create(bytes, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
}

function planDownloads(given, countWasm) {
  for (const [path, [sent, raw]] of Object.entries(given.download?.files ?? {})) {
    const skip = !countWasm && path.endsWith(".wasm");
    downloads.set(path, { sent, raw, read: 0, needed: !skip, skip });
  }
  // The full-range detector's bytes count only once it is needed.
  for (const spec of given.detector.models.slice(1)) {
    const file = downloads.get(new URL(spec.url, self.location.href).pathname);
    if (file) file.needed = false;
  }
}

function threadsFor(isolated, cores) {
  return isolated ? Math.max(1, Math.min(4, (cores || 1) - 1)) : 1;
}

async function load(given, countWasm) {
  const started = performance.now();
  contract = given;
  planDownloads(given, countWasm);
  report(true);
  const models = contract.detector.models;
  ort = await import(contract.runtime.module);
  ort.env.wasm.wasmPaths = contract.runtime.base;
  // Threads where the page is cross-origin isolated (the server's COOP/COEP headers): one a
  // core but one (left to the page and the camera), up to four; one elsewhere. On two busy
  // cores, two threads classified slower than one (bench_browser: p50 192-207 ms vs 123-143).
  ort.env.wasm.numThreads = threadsFor(self.crossOriginIsolated, navigator.hardwareConcurrency);
  ort.env.wasm.proxy = false;
  const imported = performance.now();
  // The short-range detector and the classifier; the runtime's WebAssembly is fetched and
  // compiled by the first session created, while the models download.
  const [short, classifierSession] = await Promise.all([session(models[0].url), session(contract.classifier.url)]);
  classifier = classifierSession;
  detectors = models.map((spec, i) => ({ spec, session: i === 0 ? short : null, loading: null, anchors: anchors(spec) }));
  const created = performance.now();
  await warmUp(detectors[0]);
  const done = performance.now();
  const phases = { runtime: imported - started, sessions: created - imported, warm: done - created };
  return { loadMs: done - started, phases, threads: ort.env.wasm.numThreads };
}

// A detector's session, loading it the first time it is needed.
async function ready(detector) {
  if (!detector.session) {
    const file = downloads.get(new URL(detector.spec.url, self.location.href).pathname);
    if (file) file.needed = true;
    detector.loading ??= session(detector.spec.url);
    detector.session = await detector.loading;
  }
  return detector.session;
}

// One run of each loaded model on a blank input: a session's first run prepares its kernels,
// and that belongs to loading, not to the viewer's first reading (which is timed: reader.js).
async function warmUp(detector) {
  const { spec, session: s } = detector;
  const dims = spec.layout === "nchw" ? [1, 3, spec.size, spec.size] : [1, spec.size, spec.size, 3];
  await s.run({ [s.inputNames[0]]: new ort.Tensor("float32", new Float32Array(3 * spec.size ** 2), dims) });
  const { size } = contract.classifier;
  const blank = new ort.Tensor("float32", new Float32Array(size * size), [1, 1, size, size]);
  await classifier.run({ [classifier.inputNames[0]]: blank });
}

// One detector's faces that count: upright, and not drawn (detector.FaceDetector.counts).
async function detectWith(detector, rgb) {
  const { spec } = detector;
  const frame = letterbox(rgb, spec, contract.letterbox_reducing_gap, contract.pixel_scale);
  const input = new ort.Tensor("float32", frame.input, frame.dims);
  const model = await ready(detector);
  const outputs = await model.run({ [model.inputNames[0]]: input });
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
  if (message.type === "progress") return;
  try {
    const answer = message.type === "load" ? await load(message.contract, message.countWasm) : await analyse(message);
    self.postMessage({ id: message.id, ok: true, ...answer });
  } catch (error) {
    self.postMessage({ id: message.id, ok: false, error: String(error?.message ?? error) });
  }
});

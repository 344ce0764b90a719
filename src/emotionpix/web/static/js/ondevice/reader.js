// Where a face is read: on this device (the worker, the default where the browser has
// WebAssembly SIMD) or on the server (POST /api/emotion). The device falls back to the server
// when the runtime or a model cannot be loaded or the first reading is too slow; the viewer can
// choose too (remembered in localStorage). Either way the answer has the API's shape, plus
// `where` ("device" or "server"); from the device, only the emotion ever reaches the server.

import * as api from "../api.js";
import { t } from "../i18n.js";

const KEY = "emotionpix.where";
// Slower than this for the first reading (runtime compiled, models warm): the server instead.
export const FIRST_READING_LIMIT_MS = 4000;
// A module with one SIMD instruction (i8x16.splat of 0, dropped): valid only where the
// browser has WebAssembly SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

export class ReadingError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function simdSupported() {
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

let worker = null;
let loading = null;
let nextId = 1;
const pending = new Map();
const state = { chosen: null, failed: null, firstReading: true, loadMs: null, progress: null, threads: null };

function remembered() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

// Threads the loaded reader runs on (1 until it is loaded, or where the page is not
// cross-origin isolated).
export function threads() {
  return state.threads ?? 1;
}

// "device" or "server", and why the device is not used when it is not.
export function where() {
  if (!simdSupported()) return { where: "server", reason: t("This browser cannot run the reader here") };
  if (state.failed) return { where: "server", reason: state.failed };
  const chosen = state.chosen ?? remembered();
  return chosen === "server" ? { where: "server", reason: t("You chose the server") } : { where: "device", reason: null };
}

export function choose(place) {
  state.chosen = place;
  try {
    localStorage.setItem(KEY, place);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}

function call(message, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ ...message, id }, transfer);
  });
}

function fail(reason) {
  state.failed = reason;
  worker?.terminate();
  worker = null;
  loading = null;
}

// Who wants to hear of the download's progress: listener({ loaded, total, done, firstTime }),
// bytes as sent; firstTime until one load has finished in this browser (a one-time download).
const listeners = new Set();
const FETCHED_KEY = "emotionpix.readerFetched";

export function onProgress(listener) {
  listeners.add(listener);
  if (state.progress) listener(state.progress);
  return () => listeners.delete(listener);
}

function fetchedBefore() {
  try {
    return localStorage.getItem(FETCHED_KEY) === "1";
  } catch {
    return false;
  }
}

function progressed(update) {
  state.progress = { ...update, firstTime: !fetchedBefore() };
  for (const listener of listeners) listener(state.progress);
}

// Starts loading the runtime and models (once); resolves true when they are ready. Called the
// moment the viewer reaches for the camera (or a photo), so that it runs while the browser asks
// for the camera; the worker starts while the contract is fetched.
export function prepare() {
  if (where().where !== "device") return Promise.resolve(false);
  loading ??= (async () => {
    try {
      worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
      worker.addEventListener("message", ({ data }) => {
        if (data.type === "progress") {
          progressed({ loaded: data.loaded, total: data.total, done: false });
          return;
        }
        const waiting = pending.get(data.id);
        pending.delete(data.id);
        if (data.ok) waiting?.resolve(data);
        else waiting?.reject(new Error(data.error));
      });
      worker.addEventListener("error", () => {
        for (const waiting of pending.values()) waiting.reject(new Error("the reader stopped"));
        pending.clear();
      });
      const response = await fetch("/api/ondevice", { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`contract: HTTP ${response.status}`);
      const contract = await response.json();
      const answer = await call({ type: "load", contract, countWasm: !fetchedBefore() });
      state.loadMs = answer.loadMs;
      state.threads = answer.threads;
      state.contract = contract;
      document.body.dataset.ondeviceLoadMs = String(Math.round(answer.loadMs));
      document.body.dataset.ondeviceLoadPhases = JSON.stringify(answer.phases);
      document.body.dataset.ondeviceThreads = String(answer.threads);
      progressed({ ...(state.progress ?? { loaded: 0, total: 0 }), done: true });
      try {
        localStorage.setItem(FETCHED_KEY, "1");
      } catch {
        // storage disabled: the note may come again
      }
      return true;
    } catch {
      fail(t("The reader could not be loaded here"));
      progressed({ loaded: 0, total: 0, done: true, failed: true });
      return false;
    }
  })();
  return loading;
}

const byProbability = (emotions) => Object.keys(emotions).sort((a, b) => emotions[b] - emotions[a]);

// A face as the API gives it: emotion, confidence, runner-up and whether it is a close call.
function described(face, margin) {
  const [first, second] = byProbability(face.emotions);
  const confidence = face.emotions[first];
  return { ...face, emotion: first, confidence, runner_up: second, close_call: confidence - face.emotions[second] < margin };
}

// The picture's pixels; null when the browser cannot decode it (a damaged file, a video
// without a frame yet), which says nothing about the reader.
async function bitmapOf(source) {
  try {
    return await createImageBitmap(source);
  } catch {
    return null;
  }
}

async function readOnDevice(bitmap) {
  const answer = await call({ type: "analyse", bitmap }, [bitmap]);
  if (!answer.faces.length) {
    throw new ReadingError("no_face", t("We could not find a face in that picture. Face the camera in good, even light, with your whole face in the frame, and try again."));
  }
  const faces = answer.faces.map((face) => described(face, state.contract.close_call_margin));
  const [primary] = faces;
  return {
    faces, emotion: primary.emotion, confidence: primary.confidence, runner_up: primary.runner_up,
    close_call: primary.close_call, model: state.contract.classifier.name, image_size: answer.imageSize,
    timings_ms: answer.timings, where: "device",
  };
}

// The faces and emotions of a picture (a Blob, File, video or bitmap): on the device when it can,
// on the server otherwise (a Blob or File only; also a file the browser cannot decode, whose
// error the server words).
export async function read(source) {
  const bitmap = (await prepare()) ? await bitmapOf(source) : null;
  if (bitmap) {
    const started = performance.now();
    try {
      const result = await readOnDevice(bitmap);
      const slow = state.firstReading && performance.now() - started > FIRST_READING_LIMIT_MS;
      state.firstReading = false;
      if (slow) fail(t("This device was too slow, so the server reads instead"));
      return result;
    } catch (error) {
      if (error instanceof ReadingError) throw error;
      fail(t("The reader failed here"));
    }
  }
  if (!(source instanceof Blob)) throw new ReadingError("no_frame", t("Reading on the server needs a picture."));
  return { ...(await api.emotion(source)), where: "server" };
}

// Pixels only, for the live mode: the faces of a frame on the device, or null when the device
// cannot read (the live mode never sends frames to the server).
export async function readFrame(video) {
  if (!(await prepare())) return null;
  const bitmap = await bitmapOf(video);
  if (!bitmap) return { faces: [] };
  try {
    return await readOnDevice(bitmap);
  } catch (error) {
    if (error instanceof ReadingError) return { faces: [] };
    fail(t("The reader failed here"));
    return null;
  }
}

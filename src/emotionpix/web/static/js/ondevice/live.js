// Live mode (off by default; only while the camera is on): the mood read a few times a second
// on this device, shown as a small bar chart, and the films changed only when the settled mood
// changes (settle.js). Frames never leave the device; reading pauses while the tab is hidden.

import { $, el, say } from "../dom.js";
import { emotionName, t } from "../i18n.js";
import { readFrame, threads, where } from "./reader.js";
import { roomMood } from "./room.js";
import { MoodSettler } from "./settle.js";

// At most four readings a second on one thread (a phone's battery), ten with threads to
// spare; each reading waits for the last, so a slow device reads as fast as it can.
const intervalMs = () => (threads() > 1 ? 100 : 250);
const HISTORY = 60; // raw readings kept in data-history (diagnostics, tests)

const settler = new MoodSettler();
let on = false;
let timer = null;
let running = false;
let onSettled = () => {};
const stats = { readings: 0, since: 0 };

const capitalise = (word) => word.charAt(0).toUpperCase() + word.slice(1);

function drawBars(probabilities, settled) {
  const labels = $("#result-bars").dataset.labels.split(" ");
  $("#live-bars").replaceChildren(...labels.map((label) => {
    const value = Math.round((probabilities[label] ?? 0) * 100);
    const fill = el("span", { className: "bar-fill" });
    fill.style.width = `${value}%`; // CSSOM, allowed by the page's CSP
    return el("li", { className: label === settled ? "top" : null },
      el("span", { className: "bar-label" }, capitalise(label)),
      el("span", { className: "bar-track" }, fill),
      el("span", { className: "bar-value" }, `${value}%`));
  }));
}

function setSwitch(value) {
  $("#live-toggle").setAttribute("aria-checked", String(value));
  $("#live").hidden = !value;
}

function record(leader) {
  const panel = $("#live");
  const history = (panel.dataset.history ?? "").split(" ").filter(Boolean);
  history.push(leader);
  panel.dataset.history = history.slice(-HISTORY).join(" ");
  stats.readings += 1;
  const seconds = (performance.now() - stats.since) / 1000;
  panel.dataset.readings = String(stats.readings);
  panel.dataset.fps = (stats.readings / seconds).toFixed(2);
}

async function tick() {
  timer = null;
  if (!on || document.hidden || running) return;
  running = true;
  const started = performance.now();
  try {
    const result = await readFrame($("#video"));
    if (result === null) {
      stop();
      say("#camera-message", t("Live mode needs the on-device reader, which is not available here."), { error: true });
      return;
    }
    if (!on || !result.faces.length) return;
    const room = roomMood(result.faces);
    const probabilities = room ? room.emotions : result.faces[0].emotions;
    record(room ? room.emotion : result.faces[0].emotion);
    const changed = settler.update(probabilities);
    drawBars(settler.smoothed, settler.settled);
    if (settler.settled) {
      $("#live").dataset.settled = settler.settled;
      $("#live-mood").textContent = room
        ? t("Settled mood: %(mood)s (room of %(count)s)", { mood: emotionName(settler.settled), count: room.count })
        : t("Settled mood: %(mood)s", { mood: emotionName(settler.settled) });
    }
    if (changed) onSettled(settler.settled, settler.smoothed);
  } finally {
    running = false;
    if (on) timer = setTimeout(tick, Math.max(0, intervalMs() - (performance.now() - started)));
  }
}

function resume() {
  if (on && !document.hidden && timer === null && !running) tick();
}

export function start() {
  if (where().where !== "device") {
    say("#camera-message", t("Live mode reads on this device only; it stays off while the server reads."), { error: true });
    return;
  }
  on = true;
  settler.reset();
  Object.assign(stats, { readings: 0, since: performance.now() });
  const panel = $("#live");
  delete panel.dataset.settled;
  panel.dataset.history = "";
  setSwitch(true);
  $("#live-mood").textContent = t("Reading your mood…");
  resume();
}

export function stop() {
  on = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
  setSwitch(false);
}

// The switch shows only while the camera is on.
export function cameraChanged(cameraOn) {
  $("#live-toggle").hidden = !cameraOn;
  if (!cameraOn) stop();
}

// settled(emotion, probabilities): the settled mood changed.
export function init({ settled }) {
  onSettled = settled;
  $("#live-toggle").addEventListener("click", () => (on ? stop() : start()));
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    } else {
      resume();
    }
  });
}

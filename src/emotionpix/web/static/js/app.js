// EmotionPix page controller: wires the three ways in (camera, photo, mood), the match/lift
// switch, search, the grid and the details overlay. Each concern lives in its own module; this
// file only connects them. After every action its result or its message is where the user is
// looking.

import * as api from "./api.js";
import * as camera from "./camera.js";
import * as details from "./details.js";
import { $, hush, reveal, say } from "./dom.js";
import * as filters from "./filters.js";
import * as grid from "./grid.js";
import { emotionName, genreName, t, tn } from "./i18n.js";
import * as library from "./library.js";
import * as mode from "./mode.js";
import * as taste from "./taste.js";
import * as tones from "./tones.js";
import { hideResult, markChoice, showResult } from "./mood.js";
import * as live from "./ondevice/live.js";
import * as place from "./ondevice/place.js";
import * as reader from "./ondevice/reader.js";
import { roomMood } from "./ondevice/room.js";
import { problemWith } from "./photo.js";
import * as voice from "./voice.js";
import * as watch from "./watch.js";

// emotions: the photo's two most probable emotions, sent along so that the server can blend
// their films when they are close (null after a chip, or once the viewer chose between them).
// reading: what the last photo was read as (a correction records what it corrected).
// query: the search shown, if the grid holds one.
const state = { emotion: null, emotions: null, page: 1, seed: null, reading: null, query: null };

// "Comedy for a happy mood", "Comedy to lift a sad mood"; when two close emotions are
// blended, "Comedy and Adventure for a happy mood with a touch of surprise". English's "an"
// has msgids of its own (as in web/pages.py's mood_heading).
function heading(answer) {
  const vowel = /^[aeiou]/.test(answer.emotion);
  const lift = answer.mode === "lift";
  let genre = genreName(answer.genre);
  if (answer.blend) {
    genre = t("%(first)s and %(second)s", { first: genre, second: genreName(answer.blend[1].genre) });
  }
  const names = { genre, mood: emotionName(answer.emotion) };
  let text;
  if (lift) text = vowel ? t("%(genre)s to lift an %(mood)s mood", names) : t("%(genre)s to lift a %(mood)s mood", names);
  else text = vowel ? t("%(genre)s for an %(mood)s mood", names) : t("%(genre)s for a %(mood)s mood", names);
  if (!answer.blend) return text;
  return t("%(heading)s with a touch of %(mood)s", { heading: text, mood: emotionName(answer.blend[1].emotion) });
}

// The two most probable emotions of a photo's main face.
function topTwo(probabilities) {
  return Object.fromEntries(Object.entries(probabilities).sort((a, b) => b[1] - a[1]).slice(0, 2));
}

function markChip(emotion) {
  for (const chip of document.querySelectorAll(".chip")) {
    const on = chip.dataset.emotion === emotion;
    chip.classList.toggle("active", on);
    if (on) chip.setAttribute("aria-current", "true");
    else chip.removeAttribute("aria-current");
  }
}

async function showRecommendations(emotion, { append = false, emotions = null } = {}) {
  const page = append ? state.page + 1 : 1;
  const asked = append ? state.emotions : emotions;
  const answer = await api.recommendations(emotion, {
    page, seed: append ? state.seed : null, mode: mode.get(), emotions: asked, watch: watch.query(), filters: filters.query(),
    excludeTones: tones.query(), taste: taste.query(),
  });
  Object.assign(state, { emotion, emotions: asked, page: answer.page, seed: answer.seed, query: null });
  markChip(emotion);
  const cards = grid.render(heading(answer), answer.movies, {
    append, hasMore: answer.has_more, source: answer.source, drawnFrom: answer.drawn_from,
  });
  library.decorate(cards);
  taste.decorate(cards);
  taste.shown(answer.emotion, answer.mode);
  if (!append) taste.showTuned(answer, () => showRecommendations(emotion, { emotions: asked }));
  watch.decorate(cards, answer.movies);
  watch.showFiltered(answer);
  filters.showNote(filters.note(answer.total));
  return answer;
}

function setCameraSwitch(on) {
  $("#camera-toggle").setAttribute("aria-checked", String(on));
  $("#way-camera").classList.toggle("on", on);
  $("#capture").hidden = !on;
  $("#capture").disabled = !on;
  live.cameraChanged(on);
}

async function toggleCamera() {
  hush();
  if (camera.isOn()) {
    camera.stop();
    setCameraSwitch(false);
    say("#camera-message", t("Camera off."));
    return;
  }
  setCameraSwitch(true);
  $("#capture").disabled = true;
  place.warm(); // the reader loads while the browser asks for the camera
  try {
    await camera.start();
    $("#capture").disabled = false;
    place.warm();
    say("#camera-message", t("Camera on. Look at it, then press “Capture my mood”."));
    $("#way-camera").scrollIntoView({ block: "nearest" });
  } catch (error) {
    camera.stop();
    setCameraSwitch(false);
    say("#camera-message", error.message, { error: true });
  }
}

// A close call's choice: films for the emotion the viewer says is closer (theirs alone: they
// have settled what the photo could not).
async function choose(emotion) {
  markChoice(emotion);
  try {
    await showRecommendations(emotion);
    reveal($("#results-heading"));
  } catch (error) {
    say("#results-message", error.message, { error: true });
  }
}

function showCorrections(open) {
  $("#not-me").setAttribute("aria-expanded", String(open));
  $("#correct-choices").hidden = !open;
}

// "That's not how I feel": the viewer's own word replaces the reading; their films follow, and
// the correction joins their mood history if they keep one.
async function correct(emotion) {
  showCorrections(false);
  $("#result-heading").textContent = t("You feel %(mood)s", { mood: emotionName(emotion) });
  markChoice(emotion);
  try {
    await showRecommendations(emotion);
    library.recordMood(emotion, "correction", state.reading);
    reveal($("#results-heading"));
  } catch (error) {
    say("#results-message", error.message, { error: true });
  }
}

const MB = (bytes) => (bytes / 1e6).toFixed(1);

// The reader's download, while it lasts: "Getting the face reader ready — 4.1 of 10.2 MB",
// and the first time only, that it is a one-time download.
function showReaderProgress({ loaded, total, done, firstTime }) {
  const box = $("#reader-progress");
  if (done || !total) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  $("#reader-progress-bar").max = total;
  $("#reader-progress-bar").value = loaded;
  $("#reader-progress-text").textContent = t("Getting the face reader ready — %(loaded)s of %(total)s MB", { loaded: MB(loaded), total: MB(total) });
  $("#reader-progress-once").hidden = !firstTime;
}

// image: a Blob (camera) or File (upload); messageAt: the message next to the control used.
async function analyse(image, messageAt, startedAt) {
  hush();
  say(messageAt, t("Reading your expression…"));
  let result;
  try {
    result = await reader.read(image);
  } catch (error) {
    say(messageAt, error.message ?? t("Something went wrong. Please try again."), { error: true });
    return;
  }
  say(messageAt, "");
  // Several faces: the room's blended mood is the headline and picks the films for everyone.
  const room = roomMood(result.faces);
  const headline = room ? room.emotion : result.emotion;
  state.reading = headline;
  showCorrections(false);
  await showResult(result, image, { onChoose: choose, room });
  place.ranAt(result.where);
  $("#result-frame").dataset.faces = String(result.faces.length);
  $("#room-mood").hidden = !room;
  $("#room-mood").textContent = room
    ? t("A blend of the %(count)s faces, each counted by how sure we are it is a face; each face’s own reading is below and on its box.", { count: room.count })
    : "";
  library.recordMood(headline, messageAt === "#camera-message" ? "camera" : "photo");
  try {
    const [emotion, emotions] = room ? [room.emotion, topTwo(room.emotions)] : [result.emotion, topTwo(result.faces[0].emotions)];
    await showRecommendations(emotion, { emotions });
    document.body.dataset.lastAnalysisMs = String(Math.round(performance.now() - startedAt));
  } catch (error) {
    say(messageAt, error.message, { error: true });
  }
  // Once the films are below it, so that the page is long enough to bring it to the top.
  reveal($("#result-heading"), $("#result"));
}

async function runSearch(query) {
  hush();
  const text = query.trim();
  if (!text) {
    say("#search-message", t("Type part of a movie title to search."), { error: true });
    $("#q").focus();
    return;
  }
  try {
    const answer = await api.search(text, watch.query(), filters.query());
    Object.assign(state, { emotion: null, emotions: null, query: text });
    markChip(null);
    hideResult();
    const cards = grid.render(t("Results for “%(query)s”", { query: text }), answer.movies, {
      empty: answer.hidden ? t("Your filters leave out every title that matches.") : answer.not_found,
      source: answer.source,
      drawnFrom: answer.drawn_from,
    });
    library.decorate(cards);
    taste.decorate(cards);
    watch.decorate(cards, answer.movies);
    watch.showFiltered(answer);
    filters.showNote(answer.hidden ? tn("%(num)s more title matches but your filters leave it out.", "%(num)s more titles match but your filters leave them out.", answer.hidden) : "");
    reveal($("#results-heading"));
  } catch (error) {
    say("#search-message", error.message, { error: true });
  }
}

// The sticky bar's height, for scroll-margin-top: what is revealed is never hidden under it.
function trackBarHeight() {
  const bar = $(".bar");
  const update = () => document.documentElement.style.setProperty("--bar-height", `${bar.offsetHeight}px`);
  new ResizeObserver(update).observe(bar);
  update();
}

function wire() {
  setCameraSwitch(false); // off on every visit
  trackBarHeight();
  $("#camera-toggle").addEventListener("click", toggleCamera);
  // Reaching for the camera (pointer on the switch, or focus on it) starts loading the reader.
  for (const reach of ["pointerenter", "pointerdown", "focus"]) {
    $("#camera-toggle").addEventListener(reach, () => place.warm(), { once: true });
  }
  reader.onProgress(showReaderProgress);
  window.addEventListener("pagehide", () => camera.stop());

  $("#capture").addEventListener("click", async () => {
    const startedAt = performance.now();
    let frame;
    try {
      frame = await camera.capture();
    } catch (error) {
      say("#camera-message", error.message, { error: true });
      return;
    }
    await analyse(frame, "#camera-message", startedAt);
  });

  $("#upload").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (!file) return;
    const problem = problemWith(file, Number(event.target.dataset.maxBytes));
    if (problem) {
      hush();
      say("#upload-message", problem, { error: true });
      return;
    }
    place.warm();
    await analyse(file, "#upload-message", performance.now());
  });

  for (const chip of document.querySelectorAll(".chip")) {
    chip.addEventListener("click", async (event) => {
      event.preventDefault();
      hush();
      try {
        await showRecommendations(chip.dataset.emotion);
        hideResult();
        reveal($("#results-heading"));
      } catch (error) {
        say("#mood-message", error.message, { error: true });
      }
    });
  }

  $("#more").addEventListener("click", async () => {
    if (!state.emotion) return;
    hush();
    try {
      const before = $("#grid").children.length;
      await showRecommendations(state.emotion, { append: true });
      const first = $("#grid").children[before]?.querySelector("a");
      if (first) reveal(first);
    } catch (error) {
      say("#results-message", error.message, { error: true });
    }
  });

  // A new region or choice of services: the films shown again under it.
  watch.init(async () => {
    try {
      if (state.emotion) await showRecommendations(state.emotion, { emotions: state.emotions });
      else if (state.query) await runSearch(state.query);
    } catch (error) {
      say("#results-message", error.message, { error: true });
    }
  });

  // New filters or tones left out: the films shown again under them.
  const refilter = async () => {
    try {
      if (state.emotion) await showRecommendations(state.emotion, { emotions: state.emotions });
      else if (state.query) await runSearch(state.query);
    } catch (error) {
      say("#results-message", error.message, { error: true });
    }
  };
  tones.init(refilter);
  if (filters.init(refilter)) {
    // The server rendered this mood's films or search without the remembered filters.
    const address = new URLSearchParams(location.search);
    if (address.get("q")?.trim()) state.query = address.get("q");
    else if (address.get("emotion") && $("#grid").children.length) state.emotion = address.get("emotion");
    refilter();
  }

  mode.init(async () => {
    if (!state.emotion) return; // no mood's films shown yet: the next ones use the new mode
    hush();
    try {
      await showRecommendations(state.emotion, { emotions: state.emotions });
      reveal($("#results-heading"));
    } catch (error) {
      say("#mood-message", error.message, { error: true });
    }
  });

  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runSearch($("#q").value);
  });

  $("#grid").addEventListener("click", (event) => {
    const link = event.target.closest("a.card");
    if (!link) return;
    event.preventDefault();
    details.open(link.dataset.id, link).catch((error) => say("#results-message", error.message, { error: true }));
  });
  details.init();
  place.init();
  live.init({
    settled: (emotion) => showRecommendations(emotion).catch((error) => say("#camera-message", error.message, { error: true })),
  });
  $("#not-me").addEventListener("click", () => showCorrections($("#correct-choices").hidden));
  for (const button of document.querySelectorAll("[data-correct]")) {
    button.addEventListener("click", () => correct(button.dataset.correct));
  }
  library.init();
  taste.init();

  voice.init({
    onResult: (text) => {
      $("#q").value = text;
      runSearch(text);
    },
    onMessage: (message, { error = false } = {}) => say("#search-message", message, { error }),
  });
  document.body.dataset.ready = "true";
}

wire();

// EmotionPix page controller: wires the camera, uploads, mood chips, the match/lift switch,
// search, the grid and the details overlay. Each concern lives in its own module; this file
// only connects them.

import * as api from "./api.js";
import * as camera from "./camera.js";
import * as details from "./details.js";
import { $, announce } from "./dom.js";
import * as grid from "./grid.js";
import * as mode from "./mode.js";
import { capitalise, showHint, showResult } from "./mood.js";
import * as voice from "./voice.js";

// emotions: the photo's two most probable emotions, sent along so that the server can blend
// them on a close call (null after a chip).
const state = { emotion: null, emotions: null, page: 1, seed: null };

function setCameraSwitch(on) {
  $("#camera-toggle").setAttribute("aria-checked", String(on));
  $("#capture").disabled = !on;
}

async function toggleCamera() {
  if (camera.isOn()) {
    camera.stop();
    setCameraSwitch(false);
    announce("Camera off.");
    return;
  }
  setCameraSwitch(true);
  $("#capture").disabled = true;
  try {
    await camera.start();
    $("#capture").disabled = false;
    announce("Camera on. Look at the camera and press “Capture my mood”.");
  } catch (error) {
    camera.stop();
    setCameraSwitch(false);
    showHint(error.message);
  }
}

// "Comedy for a happy mood", "Comedy to lift a sad mood"; on a close call
// "Comedy and Adventure for a happy mood with a touch of surprise".
function heading(answer) {
  const purpose = answer.mode === "lift" ? "to lift" : "for";
  const text = `${answer.genre} ${purpose} a ${answer.emotion} mood`;
  if (!answer.blend) return text;
  const [, second] = answer.blend;
  return text.replace(answer.genre, `${answer.genre} and ${second.genre}`) + ` with a touch of ${second.emotion}`;
}

// The two most probable emotions of a photo's main face.
function topTwo(probabilities) {
  return Object.fromEntries(Object.entries(probabilities).sort((a, b) => b[1] - a[1]).slice(0, 2));
}

async function showRecommendations(emotion, { append = false, emotions = null } = {}) {
  const page = append ? state.page + 1 : 1;
  const answer = await api.recommendations(emotion, {
    page, seed: append ? state.seed : null, mode: mode.get(), emotions,
  });
  Object.assign(state, { emotion, emotions, page: answer.page, seed: answer.seed });
  for (const chip of document.querySelectorAll(".chip")) {
    chip.classList.toggle("active", chip.dataset.emotion === emotion);
  }
  grid.render(heading(answer), answer.movies, { append, hasMore: answer.has_more });
  return answer;
}

async function analyse(image, startedAt) {
  announce("Reading your expression…", { sticky: true });
  try {
    const result = await api.emotion(image);
    await showResult(result, image);
    $("#result").scrollIntoView({ block: "nearest", behavior: "smooth" });
    const answer = await showRecommendations(result.emotion, { emotions: topTwo(result.faces[0].emotions) });
    const elapsed = Math.round(performance.now() - startedAt);
    document.body.dataset.lastAnalysisMs = String(elapsed);
    announce(`You look ${result.emotion}: here are ${answer.genre.toLowerCase()} films.`);
  } catch (error) {
    announce("");
    showHint(error.message ?? "Something went wrong. Please try again.");
  }
}

async function runSearch(query) {
  const text = query.trim();
  if (!text) {
    announce("Type part of a movie title to search.");
    $("#q").focus();
    return;
  }
  try {
    const answer = await api.search(text);
    state.emotion = null;
    grid.render(`Results for “${text}”`, answer.movies, {
      empty: `No titles match “${text}”. Check the spelling or try fewer words.`,
    });
  } catch (error) {
    announce(error.message);
  }
}

function wire() {
  setCameraSwitch(false); // off on every visit
  $("#camera-toggle").addEventListener("click", toggleCamera);
  window.addEventListener("pagehide", () => camera.stop());

  $("#capture").addEventListener("click", async () => {
    const startedAt = performance.now();
    try {
      await analyse(await camera.capture(), startedAt);
    } catch (error) {
      showHint(error.message);
    }
  });

  $("#upload").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    event.target.value = "";
    if (file) await analyse(file, performance.now());
  });

  for (const chip of document.querySelectorAll(".chip")) {
    chip.addEventListener("click", async (event) => {
      event.preventDefault();
      try {
        await showRecommendations(chip.dataset.emotion);
        announce(`${capitalise(chip.dataset.emotion)} mood: ${$("#results-heading").textContent}.`);
      } catch (error) {
        announce(error.message);
      }
    });
  }

  $("#more").addEventListener("click", async () => {
    if (!state.emotion) return;
    try {
      const before = $("#grid").children.length;
      await showRecommendations(state.emotion, { append: true, emotions: state.emotions });
      $("#grid").children[before]?.querySelector("a")?.focus();
    } catch (error) {
      announce(error.message);
    }
  });

  mode.init(async () => {
    if (!state.emotion) return; // nothing shown for a mood yet: the next one uses the mode
    try {
      await showRecommendations(state.emotion, { emotions: state.emotions });
      announce(`${$("#results-heading").textContent}.`);
    } catch (error) {
      announce(error.message);
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
    details.open(link.dataset.id, link).catch((error) => announce(error.message));
  });
  details.init();

  voice.init({
    onResult: (text) => {
      $("#q").value = text;
      runSearch(text);
    },
    onMessage: (message) => announce(message),
  });
  document.body.dataset.ready = "true";
}

wire();

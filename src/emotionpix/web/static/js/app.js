// EmotionPix page controller: wires the camera, uploads, mood chips, search, the grid and
// the details overlay. Each concern lives in its own module; this file only connects them.

import * as api from "./api.js";
import * as camera from "./camera.js";
import * as details from "./details.js";
import { $, announce } from "./dom.js";
import * as grid from "./grid.js";
import { capitalise, showHint, showResult } from "./mood.js";
import * as voice from "./voice.js";

const state = { emotion: null, page: 1, seed: null };

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

async function showRecommendations(emotion, { append = false } = {}) {
  const page = append ? state.page + 1 : 1;
  const answer = await api.recommendations(emotion, page, append ? state.seed : null);
  Object.assign(state, { emotion, page: answer.page, seed: answer.seed });
  for (const chip of document.querySelectorAll(".chip")) {
    chip.classList.toggle("active", chip.dataset.emotion === emotion);
  }
  grid.render(`${answer.genre} for a ${emotion} mood`, answer.movies, {
    append, hasMore: answer.has_more, source: answer.source,
  });
  return answer;
}

async function analyse(image, startedAt) {
  announce("Reading your expression…", { sticky: true });
  try {
    const result = await api.emotion(image);
    await showResult(result, image);
    $("#result").scrollIntoView({ block: "nearest", behavior: "smooth" });
    await showRecommendations(result.emotion);
    const elapsed = Math.round(performance.now() - startedAt);
    document.body.dataset.lastAnalysisMs = String(elapsed);
    announce(`You look ${result.emotion}: here are ${result.genre.toLowerCase()} films.`);
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
      source: answer.source,
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
      await showRecommendations(state.emotion, { append: true });
      $("#grid").children[before]?.querySelector("a")?.focus();
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

// Showing an emotion result: the picture with the face boxes, what the face shows (or, for a
// close call, the two emotions it may show, to pick from), one bar per emotion and the genre.

import { $, el } from "./dom.js";
import { emotionName, genreName, percent, t } from "./i18n.js";

export const capitalise = (word) => word.charAt(0).toUpperCase() + word.slice(1);


// Where the result is compact (app.css uses the same width).
const PHONE = "(max-width: 40rem)";

// The genre of a mood, as the page's chips name it (the mapping in force on the server).
const genreOf = (emotion) => genreName($(`.chip[data-emotion="${emotion}"]`)?.dataset.genre ?? "");

async function drawFrame(result, image) {
  const canvas = $("#result-frame");
  const bitmap = await createImageBitmap(image);
  const scale = Math.min(1, 480 / bitmap.width);
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  // Boxes are in the server's (EXIF-upright) pixels; createImageBitmap applies EXIF too.
  const boxScale = canvas.width / result.image_size[0];
  const several = result.faces.length > 1;
  canvas.setAttribute("aria-label", several
    ? t("The analysed picture with its %(count)s faces marked, each with its reading", { count: result.faces.length })
    : t("The analysed picture with the detected face marked"));
  result.faces.forEach((face, index) => {
    const [x, y, w, h] = face.box.map((v) => v * boxScale);
    ctx.lineWidth = Math.max(2, canvas.width / 160);
    // One face: its box stands out. Several: each counts in the room's mood, so all alike,
    // each numbered as in the list of readings beside the picture.
    ctx.strokeStyle = index === 0 || several ? "#ffb347" : "rgba(255,255,255,0.7)";
    ctx.strokeRect(x, y, w, h);
    if (several) {
      const size = Math.max(12, Math.round(canvas.width / 30));
      ctx.font = `bold ${size}px system-ui, sans-serif`;
      const label = `${index + 1} ${emotionName(face.emotion)}`;
      const width = ctx.measureText(label).width + 8;
      const top = y >= size + 6 ? y - size - 6 : y;
      ctx.fillStyle = "#ffb347";
      ctx.fillRect(x, top, width, size + 6);
      ctx.fillStyle = "#1a1a1a";
      ctx.fillText(label, x + 4, top + size);
    }
  });
}

// Several faces: one reading per face, numbered as their boxes.
function listFaces(faces) {
  const list = $("#result-faces");
  list.hidden = faces.length < 2;
  list.replaceChildren(...(faces.length < 2 ? [] : faces.map((face, index) =>
    el("li", { dataset: { emotion: face.emotion } },
      t("Face %(n)s: %(mood)s · %(percent)s sure", { n: index + 1, mood: emotionName(face.emotion), percent: percent(face.confidence) })))));
}

function drawBars(probabilities, top) {
  const bars = $("#result-bars");
  // The labels, in the order of the mood chips, come from the server (data-labels).
  const labels = bars.dataset.labels.split(" ");
  bars.replaceChildren(...labels.map((label) => {
    const value = Math.round((probabilities[label] ?? 0) * 100);
    const name = capitalise(emotionName(label));
    const shown = percent(value / 100);
    const fill = el("span", { className: "bar-fill" });
    fill.style.width = `${value}%`; // CSSOM, allowed by the page's CSP (no inline styles)
    return el("li", { className: label === top ? "top" : null },
      el("span", { className: "bar-label" }, name),
      el("span", { className: "bar-track", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": value, "aria-label": `${name} ${shown}` }, fill),
      el("span", { className: "bar-value" }, shown));
  }));
}

// Which of a close call's two emotions the films are for (the pressed choice, the genre line).
export function markChoice(emotion) {
  for (const button of document.querySelectorAll("#close-call .choice")) {
    button.setAttribute("aria-pressed", String(button.dataset.emotion === emotion));
  }
  $("#result-genre").textContent = genreOf(emotion);
}

// Several faces: the headline, the bars and the genre are the room's blended mood (the films
// follow it); each face's own reading is listed and marked on its box.
function showRoom(room) {
  $("#result-heading").textContent = t("The room looks %(mood)s", { mood: emotionName(room.emotion) });
  $("#result-confidence").textContent = t("%(count)s faces, blended · %(percent)s %(mood)s", {
    count: room.count, percent: percent(room.emotions[room.emotion]), mood: emotionName(room.emotion),
  });
  $("#close-call .choices").replaceChildren();
  $("#close-call").hidden = true;
  markChoice(room.emotion);
  drawBars(room.emotions, room.emotion);
  $("#result").hidden = false;
}

// result: the API's answer (faces with their emotion and confidence); room: the blend of its
// faces when there are several (ondevice/room.js), else null; onChoose(emotion, other) runs
// when the viewer picks one of the two emotions of a close call.
export async function showResult(result, image, { onChoose, room = null }) {
  await drawFrame(result, image);
  // On a phone the bars start folded: the emotion, how sure, and the correction fit above
  // the first films.
  $("#result-more").open = !matchMedia(PHONE).matches;
  listFaces(result.faces);
  if (room) {
    showRoom(room);
    return;
  }
  const probabilities = result.faces[0].emotions;
  const [first, second] = [result.emotion, result.runner_up];
  const closeCall = result.close_call;
  $("#result-heading").textContent = closeCall
    ? t("%(first)s or %(second)s? We are not sure", { first: capitalise(emotionName(first)), second: emotionName(second) })
    : t("You look %(mood)s", { mood: emotionName(first) });
  $("#result-confidence").textContent = closeCall
    ? t("%(first)s against %(second)s", { first: percent(probabilities[first]), second: percent(probabilities[second]) })
    : t("%(percent)s sure", { percent: percent(result.confidence) });
  const choices = [first, second].map((emotion) => {
    const other = emotion === first ? second : first;
    const button = el("button", { type: "button", className: "choice secondary", dataset: { emotion }, "aria-pressed": "false" },
      capitalise(emotionName(emotion)), " ", el("small", {}, genreOf(emotion)));
    button.addEventListener("click", () => onChoose(emotion, other));
    return button;
  });
  $("#close-call .choices").replaceChildren(...(closeCall ? choices : []));
  $("#close-call").hidden = !closeCall;
  markChoice(first);
  drawBars(probabilities, first);
  $("#result").hidden = false;
}

export function hideResult() {
  $("#result").hidden = true;
}

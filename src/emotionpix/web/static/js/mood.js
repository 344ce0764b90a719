// Showing an emotion result: the picture with the face boxes, what the face shows (or, for a
// close call, the two emotions it may show, to pick from), one bar per emotion and the genre.

import { $, el } from "./dom.js";

export const capitalise = (word) => word.charAt(0).toUpperCase() + word.slice(1);

const percent = (p) => `${Math.round(p * 100)}%`;

// The genre of a mood, as the page's chips name it (the mapping in force on the server).
const genreOf = (emotion) => $(`.chip[data-emotion="${emotion}"]`)?.dataset.genre ?? "";

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
  result.faces.forEach((face, index) => {
    const [x, y, w, h] = face.box.map((v) => v * boxScale);
    ctx.lineWidth = Math.max(2, canvas.width / 160);
    ctx.strokeStyle = index === 0 ? "#ffb347" : "rgba(255,255,255,0.7)";
    ctx.strokeRect(x, y, w, h);
  });
}

function drawBars(probabilities, top) {
  const bars = $("#result-bars");
  // The labels, in the order of the mood chips, come from the server (data-labels).
  const labels = bars.dataset.labels.split(" ");
  bars.replaceChildren(...labels.map((label) => {
    const value = Math.round((probabilities[label] ?? 0) * 100);
    const fill = el("span", { className: "bar-fill" });
    fill.style.width = `${value}%`; // CSSOM, allowed by the page's CSP (no inline styles)
    return el("li", { className: label === top ? "top" : null },
      el("span", { className: "bar-label" }, capitalise(label)),
      el("span", { className: "bar-track", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": value, "aria-label": `${capitalise(label)} ${value}%` }, fill),
      el("span", { className: "bar-value" }, `${value}%`));
  }));
}

// Which of a close call's two emotions the films are for (the pressed choice, the genre line).
export function markChoice(emotion) {
  for (const button of document.querySelectorAll("#close-call .choice")) {
    button.setAttribute("aria-pressed", String(button.dataset.emotion === emotion));
  }
  $("#result-genre").textContent = genreOf(emotion);
}

// result: the API's answer; onChoose(emotion, other) runs when the viewer picks one of the two
// emotions of a close call.
export async function showResult(result, image, { onChoose }) {
  await drawFrame(result, image);
  const probabilities = result.faces[0].emotions;
  const [first, second] = [result.emotion, result.runner_up];
  const closeCall = result.close_call;
  $("#result-heading").textContent = closeCall
    ? `${capitalise(first)} or ${second}? We are not sure`
    : `You look ${first}`;
  $("#result-confidence").textContent = closeCall
    ? `${percent(probabilities[first])} against ${percent(probabilities[second])}`
    : `${percent(result.confidence)} sure`;
  const choices = [first, second].map((emotion) => {
    const other = emotion === first ? second : first;
    const button = el("button", { type: "button", className: "choice secondary", dataset: { emotion }, "aria-pressed": "false" },
      capitalise(emotion), " ", el("small", {}, genreOf(emotion)));
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

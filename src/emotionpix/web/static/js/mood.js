// Showing an emotion result: the picture with the face box, the emotion, its confidence,
// one bar per emotion and the genre it maps to.

import { $, el } from "./dom.js";

export async function showResult(result, image) {
  const canvas = $("#result-frame");
  const bitmap = await createImageBitmap(image);
  const scale = Math.min(1, 480 / bitmap.width);
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  // Boxes are in the server's (EXIF-upright) pixels; createImageBitmap applies EXIF too.
  const [width] = result.image_size;
  const boxScale = canvas.width / width;
  result.faces.forEach((face, index) => {
    const [x, y, w, h] = face.box.map((v) => v * boxScale);
    ctx.lineWidth = Math.max(2, canvas.width / 160);
    ctx.strokeStyle = index === 0 ? "#ffb347" : "rgba(255,255,255,0.7)";
    ctx.strokeRect(x, y, w, h);
  });

  $("#result-emotion").textContent = capitalise(result.emotion);
  $("#result-confidence").textContent = `${Math.round(result.confidence * 100)}% sure`;
  $("#result-genre").textContent = result.genre;
  const probabilities = result.faces[0].emotions;
  const bars = $("#result-bars");
  // The labels, in the order of the mood chips, come from the server (data-labels).
  const labels = bars.dataset.labels.split(" ");
  bars.replaceChildren(...labels.map((label) => {
    const percent = Math.round((probabilities[label] ?? 0) * 100);
    const fill = el("span", { className: "bar-fill" });
    fill.style.width = `${percent}%`; // CSSOM, allowed by the page's CSP (no inline styles)
    return el("li", { className: label === result.emotion ? "top" : null },
      el("span", { className: "bar-label" }, capitalise(label)),
      el("span", { className: "bar-track", role: "meter", "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": percent, "aria-label": `${capitalise(label)} ${percent}%` }, fill),
      el("span", { className: "bar-value" }, `${percent}%`));
  }));
  $("#result").hidden = false;
  $("#hint").hidden = true;
}

export function showHint(message) {
  const hint = $("#hint");
  hint.textContent = message;
  hint.hidden = false;
}

export const capitalise = (word) => word.charAt(0).toUpperCase() + word.slice(1);

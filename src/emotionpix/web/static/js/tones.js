// "Leave out": tones and content notes the viewer never wants in the grid (harrowing, gory,
// sexual violence…). The choice is this browser's (localStorage), sent with each request as
// exclude_tones; the server keeps nothing of it.

import { $ } from "./dom.js";

const KEY = "emotionpix.exclude_tones";

function remembered() {
  try {
    return (localStorage.getItem(KEY) ?? "").split(",").filter(Boolean);
  } catch {
    return []; // storage disabled: the choice lasts for this page only
  }
}

function remember(tags) {
  try {
    localStorage.setItem(KEY, tags.join(","));
  } catch {
    // as above
  }
}

const boxes = () => [...document.querySelectorAll("#tone-filter input[type=checkbox]")];

// The tags to leave out now, as the API takes them ("" for none).
export const query = () => boxes().filter((box) => box.checked).map((box) => box.value).join(",");

function count() {
  const chosen = boxes().filter((box) => box.checked).length;
  $("#tone-filter-count").textContent = chosen ? ` (${chosen})` : "";
}

// onChange() runs after the viewer ticks or unticks a tag.
export function init(onChange) {
  const filter = $("#tone-filter");
  if (!filter) return;
  const stored = new Set(remembered());
  for (const box of boxes()) {
    box.checked = stored.has(box.value);
    box.addEventListener("change", () => {
      remember(query().split(",").filter(Boolean));
      count();
      onChange();
    });
  }
  count();
}

// The details overlay: how the film feels and what to know before pressing play.
export function fill(movie) {
  const tones = $("#details-tones");
  const source = $("#details-tones-source"); // found before textContent takes it out of the page
  const feel = [...movie.tones];
  if (movie.ending) feel.push(`ends ${movie.ending}`);
  tones.textContent = feel.length ? `Feels: ${feel.join(" · ")}` : "";
  tones.hidden = !feel.length;
  source.textContent = movie.tones_from === "keywords" ? " (read from the film's keywords)" : "";
  tones.append(source);
  const notes = $("#details-notes");
  const named = movie.content_notes.map((note) => note.replaceAll("-", " "));
  notes.textContent = named.length ? `Content notes: ${named.join(", ")}` : "";
  notes.hidden = !named.length;
}

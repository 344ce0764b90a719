// "Leave out": tones and content notes the viewer never wants in the grid (harrowing, gory,
// sexual violence…). The choice is this browser's (localStorage), sent with each request as
// exclude_tones; the server keeps nothing of it.

import { $ } from "./dom.js";
import { endingName, noteName, t, toneName } from "./i18n.js";

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
  const feel = movie.tones.map(toneName);
  if (movie.ending) feel.push(t("ends %(ending)s", { ending: endingName(movie.ending) }));
  tones.textContent = feel.length ? t("Feels: %(tones)s", { tones: feel.join(" · ") }) : "";
  tones.hidden = !feel.length;
  if (movie.tones_from === "keywords") {
    const source = document.createElement("span");
    source.className = "muted";
    source.textContent = " " + t("(read from the film's keywords)");
    tones.append(source);
  }
  const notes = $("#details-notes");
  const named = movie.content_notes.map(noteName);
  notes.textContent = named.length ? t("Content notes: %(notes)s", { notes: named.join(", ") }) : "";
  notes.hidden = !named.length;
}

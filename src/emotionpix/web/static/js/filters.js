// The viewer's filters: languages, a decade range, a maximum length and family-safe films.
// The panel is a GET form that works without JavaScript; here it is remembered in this
// browser (localStorage, like the match/lift switch) and applied as it changes. The paper's
// fixed filters (the configured languages, from 1970) stay the defaults: only what differs
// from them is sent.

import { $ } from "./dom.js";
import { t, tn } from "./i18n.js";

const KEY = "emotionpix.filters";
// How few films make the grid say so.
export const FEW = 12;

const form = () => $("#filters-form");

function read() {
  const data = new FormData(form());
  return {
    languages: data.getAll("language").join(","),
    from: data.get("from") ?? "",
    to: data.get("to") ?? "",
    max_runtime: data.get("max_runtime") ?? "",
    family: data.get("family") ? "1" : "",
  };
}

function write(values) {
  const languages = new Set((values.languages ?? "").split(",").filter(Boolean));
  for (const box of form().querySelectorAll('input[name="language"]')) box.checked = languages.has(box.value);
  $("#filter-from").value = values.from || form().dataset.defaultFrom;
  $("#filter-to").value = values.to ?? "";
  $("#filter-runtime").value = values.max_runtime ?? "";
  $("#filter-family").checked = values.family === "1";
}

const defaults = () => ({
  languages: form().dataset.defaultLanguages, from: form().dataset.defaultFrom, to: "", max_runtime: "", family: "",
});

// The API's parameters for what differs from the defaults ({} when nothing does).
export function query() {
  if (!form()) return {};
  const now = read();
  const base = defaults();
  const asked = {};
  const same = (a, b) => a.split(",").sort().join(",") === b.split(",").sort().join(",");
  if (now.languages && !same(now.languages, base.languages)) asked.languages = now.languages;
  if (now.from && now.from !== base.from) asked.from = now.from;
  for (const name of ["to", "max_runtime", "family"]) if (now[name]) asked[name] = now[name];
  return asked;
}

export const chosen = () => Object.keys(query()).length > 0;

function summary() {
  const now = read();
  const names = [...form().querySelectorAll('input[name="language"]:checked')].map((box) => box.parentElement.textContent.trim());
  const to = now.to || t("now");
  const parts = [names.length ? names.join(", ") : t("any language"), `${now.from}–${to}`];
  if (now.max_runtime) parts.push(t("up to %(minutes)s min", { minutes: now.max_runtime }));
  if (now.family) parts.push(t("family-safe"));
  $("#filters-summary").textContent = parts.join(" · ");
}

function remember() {
  try {
    localStorage.setItem(KEY, JSON.stringify(read()));
  } catch {
    // storage disabled: the filters last for this page only
  }
}

function remembered() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "null");
  } catch {
    return null;
  }
}

// What the grid says when the filters leave few films (or "" when they don't, or none is set).
export function note(total) {
  if (!chosen() || total >= FEW) return "";
  if (total === 0) return t("No films pass your filters for this mood. Widen them under “Films”.");
  return tn(
    "Only %(num)s film passes your filters for this mood. Widen them under “Films” for more.",
    "Only %(num)s films pass your filters for this mood. Widen them under “Films” for more.",
    total,
  );
}

export function showNote(text) {
  const node = $("#filter-note");
  node.textContent = text;
  node.hidden = !text;
}

// Filters in the address (the form sent without JavaScript) win, then those remembered.
// onChange() runs after the viewer changes one. True when remembered filters were applied to
// a page the server rendered without them (its grid is then asked for again).
export function init(onChange) {
  if (!form()) return false;
  const inAddress = ["language", "languages", "from", "to", "max_runtime", "family"].some((name) => new URLSearchParams(location.search).has(name));
  const stored = remembered();
  if (!inAddress && stored) write(stored);
  summary();
  const changed = () => {
    summary();
    remember();
    onChange();
  };
  form().addEventListener("change", changed);
  form().addEventListener("submit", (event) => {
    event.preventDefault();
    changed();
  });
  $("#filters-reset").addEventListener("click", () => {
    write(defaults());
    changed();
  });
  return !inAddress && Boolean(stored) && chosen();
}

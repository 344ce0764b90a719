// "Match my mood" or "Lift my mood": which films the grid asks for. The two options are
// links (?mode=match|lift) that work without JavaScript; here they become a toggle whose
// choice this browser remembers (localStorage).

import { $ } from "./dom.js";

const KEY = "emotionpix.mode";
const MODES = ["match", "lift"];
let current = "match";

function remembered() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the choice lasts for this page only
  }
}

function remember(mode) {
  try {
    localStorage.setItem(KEY, mode);
  } catch {
    // as above
  }
}

function show(mode) {
  for (const option of document.querySelectorAll(".mode-option")) {
    if (option.dataset.mode === mode) option.setAttribute("aria-current", "true");
    else option.removeAttribute("aria-current");
  }
}

export const get = () => current;

// The mode asked for in the address wins, then the one remembered, then "match".
// onChange(mode) runs after the visitor picks the other option.
export function init(onChange) {
  const asked = $("#mode-switch").dataset.mode;
  const stored = remembered();
  current = MODES.includes(asked) ? asked : MODES.includes(stored) ? stored : "match";
  show(current);
  for (const option of document.querySelectorAll(".mode-option")) {
    option.addEventListener("click", (event) => {
      event.preventDefault();
      if (option.dataset.mode === current) return;
      current = option.dataset.mode;
      remember(current);
      show(current);
      onChange(current);
    });
  }
}

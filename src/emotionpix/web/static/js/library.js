// What a signed-in viewer keeps: "+ Watchlist" and "Seen it" on every card and in the details
// overlay, each a toggle whose state shows wherever the film appears (grid, search, details);
// its confirmation appears on the card (or in the overlay) clicked, and nothing scrolls. A
// film marked as seen stays where it is, marked, and is not recommended again. The mood
// history is recorded only when its owner turned it on. A guest sees once, unobtrusively,
// what an account would add.

import * as api from "./api.js";
import { $, el } from "./dom.js";
import { t } from "./i18n.js";

const state = { on: false, history: false, watchlist: new Set(), seen: new Set() };
const GUEST_HINT = "emotionpix.guest-hint-shown";

function markButtons(root, id) {
  const watch = root.querySelector(".watch");
  const seen = root.querySelector(".seen");
  if (!watch || !seen) return;
  const listed = state.watchlist.has(id);
  watch.setAttribute("aria-pressed", String(listed));
  watch.textContent = listed ? t("✓ On your watchlist") : t("+ Watchlist");
  const done = state.seen.has(id);
  seen.setAttribute("aria-pressed", String(done));
  seen.textContent = done ? t("✓ Seen") : t("Seen it");
  root.closest("li")?.classList.toggle("is-seen", done);
}

// Every place the film is shown: its cards and, when open on it, the details overlay.
function everywhere(id) {
  return document.querySelectorAll(`[data-film="${CSS.escape(id)}"]`);
}

// The confirmation, next to the buttons clicked (a polite live region): no scrolling.
function confirm(root, text, { error = false } = {}) {
  let status = root.querySelector(".list-status");
  if (!status) {
    status = el("span", { className: "list-status", role: "status" });
    root.append(status);
  }
  status.textContent = text;
  status.classList.toggle("error", error);
}

async function toggle(list, id) {
  const names = state[list];
  const had = names.has(id);
  if (had) await api.removeFrom(list, id);
  else await api.addTo(list, id);
  if (had) names.delete(id);
  else names.add(id);
  for (const item of everywhere(id)) markButtons(item, id);
  if (list === "watchlist") return had ? t("Removed from your watchlist.") : t("Added to your watchlist.");
  return had ? t("No longer marked as seen.") : t("Marked as seen: it won’t be recommended again.");
}

async function act(button, id, root) {
  button.disabled = true;
  try {
    confirm(root, await toggle(button.classList.contains("watch") ? "watchlist" : "seen", id));
  } catch (error) {
    confirm(root, error.message, { error: true });
  } finally {
    button.disabled = false;
  }
}

// Give the grid's new cards their buttons (signed-in viewers only; a guest gets the hint).
export function decorate(items) {
  if (!state.on) {
    if (items.length) guestHint();
    return;
  }
  for (const item of items) {
    const id = item.querySelector("a.card")?.dataset.id;
    const actions = item.querySelector(".card-actions");
    if (!id || !actions) continue;
    item.dataset.film = id;
    actions.hidden = false;
    markButtons(item, id);
  }
}

// The details overlay shows the same buttons for the film it shows.
export function showIn(dialogActions, id) {
  dialogActions.hidden = !state.on;
  dialogActions.dataset.film = id;
  markButtons(dialogActions, id);
}

// A reading of the viewer's face, or their correction of it; kept only if they opted in.
export async function recordMood(emotion, source, correctedFrom = null) {
  if (!state.on || !state.history) return;
  const mood = { emotion, source };
  if (correctedFrom) mood.corrected_from = correctedFrom;
  await api.recordMood(mood).catch(() => {}); // a history that fails to save never blocks films
}

// Once per browser, under the first films a guest sees: what an account adds. Closable.
function guestHint() {
  if (document.body.dataset.signedIn === "true" || $("#guest-hint")) return;
  try {
    if (localStorage.getItem(GUEST_HINT)) return;
    localStorage.setItem(GUEST_HINT, "1");
  } catch {
    return; // without storage it could not stay "once": say nothing
  }
  const hint = $("#guest-hint-template").content.firstElementChild.cloneNode(true);
  hint.querySelector("button").addEventListener("click", () => hint.remove());
  $("#drawn-from").after(hint);
}

export async function init() {
  if (document.body.dataset.signedIn !== "true") return;
  const me = await api.me().catch(() => null);
  if (!me?.signed_in) return;
  Object.assign(state, {
    on: true, history: me.history_enabled, watchlist: new Set(me.watchlist), seen: new Set(me.seen),
  });
  const onClick = (event) => {
    const button = event.target.closest(".card-actions button, .details-actions button");
    if (!button) return;
    const root = button.closest("[data-film]");
    act(button, root.dataset.film, root);
  };
  $("#grid").addEventListener("click", onClick);
  $("#details").addEventListener("click", onClick);
  decorate([...$("#grid").children]);
}

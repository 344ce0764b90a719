// What a signed-in viewer keeps: "+ Watchlist" and "Seen it" on every card and in the details
// overlay (a film marked as seen leaves the grid and never comes back), and the mood history,
// recorded only when its owner turned it on. For a guest this module does nothing.

import * as api from "./api.js";
import { $, say } from "./dom.js";
import { t } from "./i18n.js";

const state = { on: false, history: false, watchlist: new Set(), seen: new Set() };

function markButtons(root, id) {
  const watch = root.querySelector(".watch");
  if (!watch) return;
  const listed = state.watchlist.has(id);
  watch.setAttribute("aria-pressed", String(listed));
  watch.textContent = listed ? t("✓ On your watchlist") : t("+ Watchlist");
}

async function toggleWatchlist(id, root) {
  const listed = state.watchlist.has(id);
  if (listed) await api.removeFrom("watchlist", id);
  else await api.addTo("watchlist", id);
  if (listed) state.watchlist.delete(id);
  else state.watchlist.add(id);
  for (const item of document.querySelectorAll(`[data-film="${CSS.escape(id)}"]`)) markButtons(item, id);
  markButtons(root, id);
  say("#results-message", listed ? t("Removed from your watchlist.") : t("Added to your watchlist."));
}

async function markSeen(id) {
  await api.addTo("seen", id);
  state.seen.add(id);
  for (const item of document.querySelectorAll(`#grid [data-film="${CSS.escape(id)}"]`)) item.remove();
  say("#results-message", t("Marked as seen: it won’t be recommended to you again."));
}

async function act(button, id, root) {
  button.disabled = true;
  try {
    if (button.classList.contains("watch")) await toggleWatchlist(id, root);
    else await markSeen(id);
    if (button.classList.contains("seen") && $("#details").open) $("#details").close();
  } catch (error) {
    say("#results-message", error.message, { error: true });
  } finally {
    button.disabled = false;
  }
}

// Give the grid's new cards their buttons (signed-in viewers only).
export function decorate(items) {
  if (!state.on) return;
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

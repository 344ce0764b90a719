// The viewer's taste: "More like this" / "Not for me" (with an optional one-tap reason) on every
// card and in the details overlay, the "Tuned to your taste — reset" line above a grid the taste
// shaped, and the "More like this" row in the details. A signed-in viewer's taste is kept with
// their account; a guest's lives in this browser only (localStorage), sent with each request as
// the `taste` parameter the server reads and never keeps.

import * as api from "./api.js";
import { $, el, say } from "./dom.js";
import { t } from "./i18n.js";

const KEY = "emotionpix.taste";
const REASONS = {
  "seen": t("Seen it"),
  "not-in-mood": t("Not in the mood for it"),
  "not-my-taste": t("Not my taste"),
  "too-long": t("Too long"),
  "too-old": t("Too old"),
  "too-dark": t("Too dark"),
  "not-my-language": t("Not my language"),
};

const signedIn = () => document.body.dataset.signedIn === "true";
let context = { emotion: null, mode: "match" };

function stored() {
  try {
    return localStorage.getItem(KEY) ?? "";
  } catch {
    return ""; // storage disabled: the taste lasts for this page only
  }
}

let guestTaste = "";

function keep(text) {
  guestTaste = text ?? "";
  try {
    if (guestTaste) localStorage.setItem(KEY, guestTaste);
    else localStorage.removeItem(KEY);
  } catch {
    // as above
  }
}

// The `taste` parameter for the API: a guest's, or "" (a signed-in viewer's is the server's).
export const query = () => (signedIn() ? "" : guestTaste);

// What the grid is showing, so feedback says which mood it was given in.
export function shown(emotion, mode) {
  context = { emotion, mode };
}

async function send(id, verdict, reason = null) {
  const body = { movie_id: id, verdict };
  if (reason) body.reason = reason;
  if (context.emotion) Object.assign(body, { emotion: context.emotion, mode: context.mode });
  if (!signedIn() && guestTaste) body.taste = guestTaste;
  const answer = await api.feedback(body);
  if (!signedIn()) keep(answer.taste);
  return answer;
}

const everywhere = (id) => document.querySelectorAll(`[data-feedback="${CSS.escape(id)}"]`);

async function like(id) {
  await send(id, "like");
  for (const box of everywhere(id)) {
    const button = $(".like", box);
    button.setAttribute("aria-pressed", "true");
    button.textContent = t("👍 Liked");
  }
  say("#results-message", t("Noted: more films like this one."));
}

async function dislike(id, reason) {
  const answer = await send(id, "dislike", reason);
  if (answer.hidden) {
    for (const item of document.querySelectorAll(`#grid [data-feedback="${CSS.escape(id)}"]`)) item.closest("li")?.remove();
    if ($("#details").open && $("#details .details-feedback").dataset.feedback === id) $("#details").close();
  }
  say("#results-message", answer.hidden === "mood"
    ? t("Got it: not for this mood. It may come back in another.")
    : t("Got it: you won’t see this film again."));
}

// The reasons, one tap each (or none), shown after "Not for me".
function askWhy(box) {
  const row = $(".feedback-reasons", box);
  row.replaceChildren(
    el("span", { className: "muted" }, t("Why? (optional)")),
    ...Object.entries(REASONS).map(([code, text]) =>
      el("button", { type: "button", className: "secondary small", dataset: { reason: code } }, text)),
    el("button", { type: "button", className: "secondary small", dataset: { reason: "" } }, t("Just hide it")),
  );
  row.hidden = false;
  row.querySelector("button")?.focus();
}

async function act(button) {
  const box = button.closest("[data-feedback]");
  const id = box.dataset.feedback;
  button.disabled = true;
  try {
    if (button.classList.contains("like")) await like(id);
    else if (button.classList.contains("dislike")) askWhy(box);
    else if ("reason" in button.dataset) await dislike(id, button.dataset.reason || null);
  } catch (error) {
    say("#results-message", error.message, { error: true });
  } finally {
    button.disabled = false;
  }
}

function controls(id) {
  return el("div", { className: "feedback", dataset: { feedback: id } },
    // On a card only the thumbs show (the words stay for screen readers and as a tooltip);
    // the details overlay has room for both.
    el("button", { type: "button", className: "like secondary small", "aria-pressed": "false", title: t("More like this") },
      el("span", { "aria-hidden": "true" }, "👍 "), el("span", { className: "feedback-label" }, t("More like this"))),
    el("button", { type: "button", className: "dislike secondary small", title: t("Not for me") },
      el("span", { "aria-hidden": "true" }, "👎 "), el("span", { className: "feedback-label" }, t("Not for me"))),
    el("div", { className: "feedback-reasons", hidden: true, role: "group", "aria-label": t("Why not for you?") }));
}

// Give the grid's new cards their feedback buttons.
export function decorate(items) {
  for (const item of items) {
    const id = item.querySelector("a.card")?.dataset.id;
    if (!id || item.querySelector(".feedback")) continue;
    item.append(controls(id));
  }
}

// "Tuned to your taste — reset" above a grid the taste shaped.
export function showTuned(answer, onReset) {
  $("#tuned")?.remove();
  if (!answer.tuned) {
    // No taste of the viewer's own, but the members' together ordered the grid: say so.
    if (answer.crowd) {
      $("#grid").before(el("p", { id: "tuned", className: "tuned muted", role: "status" },
        t("Ordered partly by what members who let the app learn liked in this mood.")));
    }
    return;
  }
  const reset = el("button", { type: "button", className: "link-button" }, t("reset"));
  reset.addEventListener("click", async () => {
    try {
      if (signedIn()) await api.resetTaste();
      keep("");
      $("#tuned")?.remove();
      await onReset();
      say("#results-message", t("Your taste is reset: these are everyone’s films for this mood."));
    } catch (error) {
      say("#results-message", error.message, { error: true });
    }
  });
  // The taste brought in the mood's other rules: say so, since the heading names the asked ones.
  const said = {
    lift: t("Tuned to your taste, with films to lift this mood, as you wanted in it before — "),
    match: t("Tuned to your taste, with films that stay with this mood, as you wanted in it before — "),
  }[answer.wished] ?? t("Tuned to your taste — ");
  $("#grid").before(el("p", { id: "tuned", className: "tuned muted", role: "status" }, said, reset));
}

// The details overlay: the same buttons, and the "More like this" row.
export async function fillDetails(id, openFilm) {
  const box = $("#details .details-feedback");
  box.dataset.feedback = id;
  box.replaceChildren(...controls(id).childNodes);
  const row = $("#details-similar");
  const list = $("#details-similar-list");
  list.replaceChildren();
  row.hidden = true;
  try {
    const answer = await api.similar(id, query());
    const films = answer.movies.slice(0, 8);
    list.replaceChildren(...films.map((movie) => {
      const button = el("button", { type: "button", className: "similar-film", title: movie.reason },
        el("span", { className: "similar-title" }, movie.title),
        el("span", { className: "muted" }, movie.year ?? ""));
      button.addEventListener("click", () => openFilm(movie.id, button));
      return el("li", {}, button);
    }));
    row.hidden = films.length === 0;
  } catch {
    // "More like this" is extra: the details stand without it
  }
}

export function init() {
  guestTaste = signedIn() ? "" : stored();
  const onClick = (event) => {
    const button = event.target.closest(".feedback button");
    if (button) act(button);
  };
  $("#grid").addEventListener("click", onClick);
  $("#details").addEventListener("click", onClick);
  decorate([...$("#grid").children]); // the server's own grid (a page opened at ?emotion=)
}

// A movie-night room's page: follows the room by polling (about once a second, a 204 while
// nothing changed), renders members, the room's mood, its films and tonight's pick, and sends
// the member's mood, vetoes and votes. A lost connection is shown and retried; the next
// answer brings the page up to date.
import { request } from "./api.js";
import { $, el } from "./dom.js";
import { emotionName, percent, t, tn } from "./i18n.js";
import * as reading from "./room-reading.js";
import { savedRegion, show as showWatch } from "./watch.js";

const POLL_MS = 1000;
const root = $("#room");
const code = root.dataset.code;
let version = 0;
let stopped = false;
// Where to watch tonight's pick: in the region this member uses on the main page.
const region = savedRegion();
const inRegion = region ? `region=${region}` : "";

const json = (body) => ({ method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const post = (action, body) => request(`/api/rooms/${code}/${action}${inRegion ? `?${inRegion}` : ""}`, json(body));

function status(text, { offline = false } = {}) {
  const node = $("#room-status");
  node.textContent = text;
  node.classList.toggle("offline", offline);
}

function renderMembers(state) {
  const me = state.members.find((m) => m.name === state.you.name);
  for (const chip of document.querySelectorAll("#room-chips .chip")) {
    chip.setAttribute("aria-pressed", String(chip.dataset.emotion === me?.emotion));
  }
  $("#members").replaceChildren(
    ...state.members.map((m) =>
      el(
        "li",
        { className: m.ready ? "ready" : "" },
        m.name,
        m.host ? t(" (host)") : "",
        " — ",
        m.ready ? emotionName(m.emotion) : t("choosing…"),
        m.voted ? t(" · voted") : "",
      ),
    ),
  );
  const mood = state.mood;
  $("#room-mood").textContent = mood
    ? t("The room’s mood: %(moods)s", { moods: Object.entries(mood.emotions).map(([label, p]) => `${emotionName(label)} ${percent(p)}`).join(", ") })
    : t("Nobody has chosen a mood yet.");
}

function filmButton(action, label, movie, pressed) {
  const button = el(
    "button",
    { type: "button", className: action === "veto" ? "secondary small" : "small", dataset: { action, id: movie.id } },
    label,
  );
  if (pressed !== undefined) button.setAttribute("aria-pressed", String(pressed));
  button.setAttribute("aria-label", t("%(action)s %(title)s", { action: label, title: movie.title }));
  return button;
}

function renderFilms(state) {
  const focused = document.activeElement?.dataset ?? {};
  const decided = Boolean(state.pick);
  const ready = state.members.filter((m) => m.ready).length;
  $("#films").replaceChildren(
    ...state.movies.map((movie) => {
      const votes = state.votes[movie.id] ?? 0;
      const mine = state.your_vote === movie.id;
      const actions = el("div", { className: "room-film-actions" });
      if (!decided) {
        actions.append(filmButton("vote", mine ? t("Voted") : t("Vote"), movie, mine), filmButton("veto", t("Veto"), movie));
      }
      return el(
        "li",
        { className: mine ? "room-film voted" : "room-film" },
        el("span", { className: "room-film-title" }, movie.title, movie.year ? ` (${movie.year})` : ""),
        el("span", { className: "room-film-reason" }, movie.reason),
        el("span", { className: "muted" }, tn("%(num)s vote", "%(num)s votes", votes)),
        actions,
      );
    }),
  );
  if (!state.movies.length) {
    $("#films").append(el("li", { className: "muted" }, ready ? t("No film suits everyone yet.") : t("Films appear when someone chooses a mood.")));
  }
  if (focused.action && focused.id) {
    document.querySelector(`#films button[data-action="${focused.action}"][data-id="${CSS.escape(focused.id)}"]`)?.focus();
  }
  const voted = state.members.filter((m) => m.voted).length;
  $("#votes-count").textContent = t("%(voted)s of %(count)s voted.", { voted, count: state.members.length });
  const vetoed = state.vetoed.map((v) => t("%(title)s (by %(name)s)", { title: v.title ?? v.id, name: v.by }));
  $("#vetoed").textContent = vetoed.length ? t("Vetoed: %(films)s", { films: vetoed.join(", ") }) : "";
  const close = $("#close-vote");
  if (close) close.hidden = decided;
}

function renderPick(state) {
  const section = $("#pick");
  const wasHidden = section.hidden;
  section.hidden = !state.pick;
  if (!state.pick) return;
  $("#pick-title").textContent = `${state.pick.title}${state.pick.year ? ` (${state.pick.year})` : ""}`;
  $("#pick-reason").textContent = state.pick.reason ?? "";
  const offers = $("#pick-watch-offers"); // (without a TMDB key the page says what it needs)
  if (offers) showWatch(state.pick.watch, { offers, date: $("#pick-watch-date"), link: $("#pick-watch-link") });
  if (wasHidden) $("#pick-heading").focus();
}

function render(state) {
  if (!state || state.version === undefined) return; // 204: nothing new
  version = state.version;
  root.dataset.version = String(version);
  renderMembers(state);
  renderFilms(state);
  renderPick(state);
}

function failed(error) {
  if (error.status === 404) {
    stopped = true;
    status(t("This movie night has ended (rooms end 6 hours after their last change)."), { offline: true });
  } else if (error.status === 403) {
    location.reload(); // no longer a member here: the page offers to join
  } else if (error.status === 0) {
    status(t("Connection lost — trying again…"), { offline: true });
  } else {
    $("#room-message").textContent = error.message;
  }
}

async function poll() {
  if (stopped) return;
  try {
    render(await request(`/api/rooms/${code}?since=${version}${inRegion ? `&${inRegion}` : ""}`));
    document.body.dataset.ready = "true"; // the first state is shown (the browser tests wait for it)
    if ($("#room-status").classList.contains("offline")) status(t("Back online."));
  } catch (error) {
    failed(error);
  }
  setTimeout(poll, POLL_MS);
}

async function act(action, body) {
  $("#room-message").textContent = "";
  try {
    render(await post(action, body));
  } catch (error) {
    failed(error);
  }
}

$("#room-chips").addEventListener("click", (event) => {
  const chip = event.target.closest("[data-emotion]");
  if (chip) act("mood", { emotion: chip.dataset.emotion });
});
$("#films").addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) act(button.dataset.action, { movie_id: button.dataset.id });
});
$("#close-vote")?.addEventListener("click", () => act("close", {}));
reading.wire((emotions) => act("mood", { emotions }));

poll();

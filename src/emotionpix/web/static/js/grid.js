// The movie grid: cards with a poster where the source has one (else a compact typographic
// card: no made-up placeholder, the title once), title, original title, year, rating and why
// the film was picked, and a "more" button that pages through the same seeded order.

import { $, el } from "./dom.js";
import { t } from "./i18n.js";

// A stable hue per title, so a placeholder poster always looks the same.
function hue(text) {
  let hash = 0;
  for (const ch of text) hash = (hash * 31 + ch.codePointAt(0)) % 360;
  return hash;
}

export function poster(movie, node = el("span", { className: "poster", "aria-hidden": "true" })) {
  node.replaceChildren();
  node.style.setProperty("--hue", String(hue(movie.title)));
  if (movie.poster_url) {
    node.append(el("img", { src: movie.poster_url, alt: "", loading: "lazy" }));
  } else {
    node.append(el("span", { className: "poster-title" }, movie.title),
      el("span", { className: "poster-year" }, movie.year ?? ""));
  }
  return node;
}

// A card cloned from the page's <template id="card-template">: the same markup the server
// renders for the grid without JavaScript.
function card(movie) {
  const item = $("#card-template").content.firstElementChild.cloneNode(true);
  const link = $(".card", item);
  link.href = `/api/movies/${encodeURIComponent(movie.id)}`;
  link.dataset.id = movie.id;
  if (movie.poster_url) poster(movie, $(".poster", item));
  else $(".poster", item).remove();
  link.classList.toggle("no-poster", !movie.poster_url);
  $(".card-title", item).textContent = movie.title;
  $(".card-original", item).textContent = movie.original_title ?? "";
  const rating = movie.rating === null ? "" : ` · ★ ${movie.rating.toFixed(1)}`;
  const length = !movie.poster_url && movie.runtime ? " · " + t("%(minutes)s min", { minutes: movie.runtime }) : "";
  const year = movie.year ?? t("Year unknown");
  $(".card-meta", item).textContent = `${year}${rating}${length}`;
  $(".card-reason", item).textContent = movie.reason ?? "";
  return item;
}

// What the page says when the movie service failed and something else stood in.
const SOURCE_NOTICES = {
  stale: t("The movie service isn’t answering right now, so these are the films it gave us a little while ago."),
  fallback: t("The movie service isn’t answering right now, so these films come from the built-in catalog (films up to 2014)."),
};

// Replace (or, with append, extend) the grid under a heading; drawnFrom says under it what
// the films come from.
export function render(heading, movies, { append = false, hasMore = false, empty = t("No movies found."), source = null, drawnFrom = "" } = {}) {
  const section = $("#results");
  section.hidden = false;
  section.querySelectorAll(".notice").forEach((notice) => notice.remove());
  section.querySelector(".empty")?.remove();
  $("#results-heading").textContent = heading;
  $("#drawn-from").textContent = drawnFrom;
  $("#drawn-from").hidden = !drawnFrom;
  const grid = $("#grid");
  if (SOURCE_NOTICES[source]) grid.before(el("p", { className: "notice", role: "status" }, SOURCE_NOTICES[source]));
  const cards = movies.map(card);
  if (append) grid.append(...cards);
  else grid.replaceChildren(...cards);
  if (!append && movies.length === 0) grid.after(el("p", { className: "empty" }, empty));
  $("#more").hidden = !hasMore;
  return cards;
}

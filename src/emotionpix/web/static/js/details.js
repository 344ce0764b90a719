// The details overlay: a modal <dialog>. Opens from a card (mouse or keyboard), closes with
// Esc, the close button or a click outside; focus stays inside while open and returns after.

import { $ } from "./dom.js";
import * as api from "./api.js";
import { poster } from "./grid.js";
import { genreName, languageName, number, t } from "./i18n.js";
import * as library from "./library.js";
import * as taste from "./taste.js";
import * as tones from "./tones.js";
import * as watch from "./watch.js";

let opener = null;
// Each open or close bumps this; a film whose answer arrives after a newer open, or after the
// viewer closed the overlay, is dropped instead of popping the overlay back up.
let generation = 0;

const FOCUSABLE = "a[href], button:not([disabled]), [tabindex]:not([tabindex='-1'])";

// reason: why the film was picked, from the card it was opened from ("" for search results).
function fill(movie, reason) {
  const votesLabel = document.body.dataset.votesLabel || "votes";
  poster(movie, $(".details-poster"));
  $(".details-poster").hidden = !movie.poster_url; // no made-up poster: the title is beside it
  // A backdrop, where the source has one, behind the text (CSSOM: allowed by the CSP).
  const body = $(".details-body");
  body.classList.toggle("no-poster", !movie.poster_url); // the text takes the whole width
  body.classList.toggle("has-backdrop", Boolean(movie.backdrop_url));
  body.style.setProperty("--backdrop", movie.backdrop_url ? `url("${encodeURI(movie.backdrop_url)}")` : "none");
  $("#details-title").textContent = movie.title;
  $("#details-original").textContent = movie.original_title ? t("Original title: %(title)s", { title: movie.original_title }) : "";
  const meta = [movie.year, movie.runtime ? t("%(minutes)s min", { minutes: number(movie.runtime) }) : null, movie.languages.map(languageName).join(", ") || null];
  $("#details-meta").textContent = meta.filter(Boolean).join(" · ");
  $("#details-genres").textContent = movie.genres.map(genreName).join(" · ");
  $("#details-reason").textContent = reason;
  $("#details-reason").hidden = !reason;
  $("#details-rating").textContent = movie.rating === null
    ? t("Not rated yet")
    : t("★ %(rating)s/10 from %(votes)s %(unit)s", { rating: movie.rating.toFixed(1), votes: number(movie.votes), unit: votesLabel });
  $("#details-overview").textContent = movie.overview ?? "";
  $("#details-director").textContent = movie.director ?? t("Unknown");
  const cast = movie.cast.slice(0, 12).join(", ");
  const more = movie.cast.length > 12 ? t(" and %(count)s more", { count: number(movie.cast.length - 12) }) : "";
  $("#details-cast").textContent = cast ? cast + more : t("Unknown");
  const trailer = $("#details-trailer");
  const query = `${movie.title} ${movie.year ?? ""} trailer`.trim();
  trailer.href = movie.trailer_url ?? `https://www.youtube.com/results?search_query=${encodeURIComponent(query)}`;
  trailer.textContent = movie.trailer_url ? t("Watch the trailer") : t("Search for the trailer");
}

export async function open(id, from) {
  const dialog = $("#details");
  const mine = ++generation;
  const movie = await api.movie(id, watch.currentRegion());
  if (mine !== generation) return;
  // A film opened from "More like this" keeps the card the overlay first came from.
  if (!dialog.open) opener = from ?? document.activeElement;
  fill(movie, from?.querySelector(".card-reason")?.textContent ?? "");
  tones.fill(movie);
  watch.fill(movie.watch);
  library.showIn($(".details-actions"), movie.id);
  taste.fillDetails(movie.id, open);
  if (!dialog.open) dialog.showModal();
  $("#details-close").focus();
}

function close() {
  const dialog = $("#details");
  if (dialog.open) dialog.close();
}

export function init() {
  const dialog = $("#details");
  $("#details-close").addEventListener("click", close);
  // A click on the backdrop lands on the <dialog> itself, outside its content box.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) close();
  });
  dialog.addEventListener("close", () => {
    generation += 1; // however it closed (button, Esc, backdrop)
    // The close event comes a moment after the overlay closed: by then the viewer may have
    // moved on (into the search box, say). Focus goes back to the card only if it is lost;
    // otherwise their typing, and an Enter that would reopen the card, would land there.
    const active = document.activeElement;
    if (!active || active === document.body || dialog.contains(active)) opener?.focus();
    opener = null;
  });
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    // Only what can take focus now: the account buttons are hidden for a guest.
    const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((item) => item.getClientRects().length > 0);
    const first = items[0];
    const last = items[items.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
}

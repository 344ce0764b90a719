// Where to watch (TMDB configured: JustWatch's data, credited wherever it shows): the
// viewer's region and "only my services", remembered in this browser (localStorage) and, for
// a signed-in viewer, on the account (loaded at start, saved on every change); the query the
// grid's calls carry; availability in the details overlay and on cards.

import { $, el } from "./dom.js";
import * as api from "./api.js";
import { locale, t, tn } from "./i18n.js";

const REGION_KEY = "emotionpix.watch.region";
const SERVICES_KEY = "emotionpix.watch.services";
const FREE_KEY = "emotionpix.watch.free";
const KINDS = [["stream", t("Stream")], ["free", t("Free")], ["ads", t("With ads")], ["rent", t("Rent")], ["buy", t("Buy")]];

let region = null; // null until the page knows it (the server's guess, or the remembered one)
let services = [];
let free = false;
let changed = () => {};
const regionNames = new Map(); // code -> English name, from TMDB's list

const enabled = () => Boolean($("#watch-prefs"));
const signedIn = () => document.body.dataset.signedIn === "true";

function load(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch {
    return fallback; // storage disabled or damaged: the choice lasts for this page only
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // as above
  }
}

// What the grid's calls add: {region, services, include_free} (nothing without TMDB).
export function query() {
  if (!enabled() || !region) return {};
  const asked = { region };
  if (services.length) asked.services = services.join(",");
  if (services.length && free) asked.include_free = "1";
  return asked;
}

export const currentRegion = () => (enabled() ? region : null);

// The choice as the account keeps it (signed in); a failed save keeps the browser's copy.
function keep() {
  store(REGION_KEY, region);
  store(SERVICES_KEY, services);
  store(FREE_KEY, free);
  if (signedIn()) api.saveWatchSettings({ region, services, include_free: free }).catch(() => {});
}

// A signed-in viewer's saved choice replaces the browser's; an account with none yet
// adopts what this browser remembered.
async function fromAccount() {
  if (!signedIn()) return;
  const saved = await api.watchSettings().catch(() => null);
  if (!saved) return;
  if (saved.region === null && !saved.services.length) {
    const remembered = load(REGION_KEY, null);
    if (remembered || services.length) {
      api.saveWatchSettings({ region: remembered, services, include_free: free }).catch(() => {});
    }
    return;
  }
  services = saved.services.filter(Number.isInteger);
  free = Boolean(saved.include_free);
  if (saved.region) store(REGION_KEY, saved.region);
  store(SERVICES_KEY, services);
  store(FREE_KEY, free);
}

function summarise() {
  const names = [...document.querySelectorAll("#watch-services input:checked")].map((box) => box.dataset.name);
  const services = names.length ? names.join(", ") : t("every service");
  $("#watch-summary").textContent = `${region ?? ""} · ${services}`;
}

async function showServices() {
  const fieldset = $("#watch-services");
  let listed;
  try {
    listed = (await api.watchServices(region)).services;
  } catch (error) {
    fieldset.replaceChildren(fieldset.querySelector("legend"), el("p", { className: "muted" }, error.message));
    return;
  }
  const known = new Set(listed.map((service) => service.id));
  services = services.filter((id) => known.has(id));
  const boxes = listed.map((service) => el("label", { className: "watch-service" },
    el("input", { type: "checkbox", value: service.id, "data-name": service.name, checked: services.includes(service.id) }),
    service.logo ? el("img", { src: service.logo, alt: "", width: 24, height: 24, loading: "lazy" }) : null,
    ` ${service.name}`));
  fieldset.replaceChildren(fieldset.querySelector("legend"), ...boxes);
  summarise();
}

// The "N films removed" line under the grid's heading, with the way to widen it.
export function showFiltered(answer) {
  const line = $("#watch-filtered");
  if (!line) return;
  const removed = answer.filtered_out ?? 0;
  line.hidden = !("filtered_out" in answer) && !answer.watch_unavailable;
  $("#watch-filtered-text").textContent = answer.watch_unavailable
    ? t("%(reason)s Your services could not be checked.", { reason: answer.watch_unavailable })
    : tn("Only your services: %(num)s film removed.", "Only your services: %(num)s films removed.", removed);
}

function logo(service) {
  return el("span", { className: "watch-offer", title: service.name },
    service.logo ? el("img", { src: service.logo, alt: service.name, width: 32, height: 32, loading: "lazy" }) : service.name);
}

// A region's name in the page's language (TMDB's English list where the page has it).
function regionName(code) {
  if (regionNames.has(code)) return regionNames.get(code);
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

// A film's ``watch`` into its nodes: the offers grouped by kind with the services' logos,
// the region and date they are as of, and TMDB's page of every offer.
export function show(watch, { offers, date, link }) {
  if (!watch || watch.unavailable) {
    offers.replaceChildren(el("p", { className: "muted" }, t("Availability unavailable right now.")));
    date.textContent = "";
    link.hidden = true;
    return;
  }
  const groups = KINDS.filter(([kind]) => watch[kind]?.length).map(([kind, label]) =>
    el("div", { className: `watch-group watch-${kind}` }, el("h4", {}, label), el("div", { className: "watch-logos" }, watch[kind].map(logo))));
  offers.replaceChildren(...(groups.length ? groups : [el("p", { className: "muted" }, t("Not offered in %(region)s right now.", { region: regionName(watch.region) }))]));
  const fetched = watch.fetched_at ? new Date(watch.fetched_at) : null;
  date.textContent = fetched ? t("In %(region)s, as of %(date)s.", { region: regionName(watch.region), date: fetched.toLocaleDateString(locale, { dateStyle: "medium" }) }) : "";
  link.hidden = !watch.link;
  if (watch.link) link.href = watch.link;
}

// The details overlay's "Where to watch" section for a film's ``watch``.
export function fill(watch) {
  const offers = $("#details-watch-offers");
  if (!offers) return; // no TMDB key: the overlay says how to add one
  show(watch, { offers, date: $("#details-watch-date"), link: $("#details-watch-link") });
}

// The region this browser chose on the main page (null: none, so the server goes by the
// browser's languages, as the main page's first guess does).
export function savedRegion() {
  const saved = load(REGION_KEY, null);
  return typeof saved === "string" && /^[A-Z]{2}$/.test(saved) ? saved : null;
}

// Small logos of where each card's film streams (its ``watch`` from the grid's answer).
export function decorate(cards, movies) {
  cards.forEach((item, i) => {
    const watch = movies[i]?.watch;
    item.querySelector(".card-watch")?.remove();
    if (!watch || watch.unavailable) return;
    const streams = [...watch.stream, ...watch.free, ...watch.ads].slice(0, 4);
    if (!streams.length) return;
    const label = t("Streams on %(services)s (data from JustWatch)", { services: streams.map((s) => s.name).join(", ") });
    item.querySelector(".card").append(el("span", { className: "card-watch", "aria-label": label }, streams.map(logo)));
  });
}

export async function init(onChange) {
  if (!enabled()) return;
  changed = onChange;
  services = load(SERVICES_KEY, []).filter(Number.isInteger);
  free = Boolean(load(FREE_KEY, false));
  await fromAccount();
  $("#watch-free").checked = free;
  let listed;
  try {
    listed = await api.watchRegions();
  } catch (error) {
    $("#watch-services").append(el("p", { className: "muted" }, error.message));
    return;
  }
  for (const r of listed.regions) regionNames.set(r.code, r.name);
  const saved = load(REGION_KEY, null);
  region = listed.regions.some((r) => r.code === saved) ? saved : listed.region;
  const select = $("#watch-region");
  select.replaceChildren(...listed.regions.map((r) => el("option", { value: r.code, selected: r.code === region }, r.name)));
  select.value = region;
  select.addEventListener("change", async () => {
    region = select.value;
    await showServices();
    keep();
    changed();
  });
  $("#watch-services").addEventListener("change", (event) => {
    if (event.target.type !== "checkbox") return;
    services = [...document.querySelectorAll("#watch-services input:checked")].map((box) => Number(box.value));
    keep();
    summarise();
    changed();
  });
  $("#watch-free").addEventListener("change", () => {
    free = $("#watch-free").checked;
    keep();
    if (services.length) changed();
  });
  $("#watch-widen").addEventListener("click", () => {
    services = [];
    keep();
    for (const box of document.querySelectorAll("#watch-services input")) box.checked = false;
    summarise();
    changed();
  });
  await showServices();
}

// The JSON API, one function per endpoint. Errors become ApiError with the server's message.

import { t } from "./i18n.js";

export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

// Every call that changes something carries the page's CSRF token (from <meta name="csrf-token">).
function headersFor(options) {
  const headers = { Accept: "application/json", ...(options.headers ?? {}) };
  if ((options.method ?? "GET") !== "GET") {
    headers["X-CSRFToken"] = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
  }
  return headers;
}

export async function request(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { ...options, headers: headersFor(options) });
  } catch {
    throw new ApiError("network", t("We could not reach EmotionPix. Check your connection and try again."), 0);
  }
  const body = response.status === 204 ? {} : await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(body?.error ?? "error", body?.message ?? t("Request failed (%(status)s).", { status: response.status }), response.status);
  }
  return body;
}

// emotions: the photo's probabilities ({happy: 0.48, surprise: 0.41}) so that the server
// can blend the top two on a close call; null for a mood picked by hand.
// watch: where to watch ({region, services, include_free}: only the viewer's services).
// filters: the viewer's ({languages, from, to, max_runtime, family}; filters.js).
// excludeTones: tones and content notes to leave out ("harrowing,gory"; "" for none).
export const recommendations = (
  emotion,
  { page = 1, seed = null, mode = "match", emotions = null, watch = {}, filters = {}, excludeTones = "", taste = "" } = {},
) => {
  const params = new URLSearchParams({ emotion, page: String(page), mode, ...watch, ...filters });
  if (seed !== null) params.set("seed", String(seed));
  if (excludeTones) params.set("exclude_tones", excludeTones);
  if (taste) params.set("taste", taste);
  if (emotions) {
    params.set("emotions", Object.entries(emotions).map(([label, p]) => `${label}:${p.toFixed(3)}`).join(","));
  }
  return request(`/api/recommendations?${params}`);
};

export const search = (query, watch = {}, filters = {}) =>
  request(`/api/search?${new URLSearchParams({ q: query, ...watch, ...filters })}`);

// region: where to watch it (null: the server's guess from the browser's languages).
export const movie = (id, region = null) =>
  request(`/api/movies/${encodeURIComponent(id)}${region ? `?${new URLSearchParams({ region })}` : ""}`);

export const watchRegions = () => request("/api/watch/regions");

export const watchServices = (region) => request(`/api/watch/services?${new URLSearchParams({ region })}`);

// image: a Blob or File (JPEG, PNG or WebP); sent as the raw request body.
export const emotion = (image) =>
  request("/api/emotion", { method: "POST", body: image, headers: { "Content-Type": image.type || "image/jpeg" } });

// The signed-in viewer's lists and mood history (401 for a guest).
export const me = () => request("/api/me");

const json = (method, body) => ({ method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });

// Where the signed-in viewer watches: {region, services, include_free} (the account keeps it).
export const watchSettings = () => request("/api/me/watch");

export const saveWatchSettings = (settings) => request("/api/me/watch", json("PUT", settings));

// list: "watchlist" or "seen".
export const addTo = (list, id) => request(`/api/${list}`, json("POST", { id }));

export const removeFrom = (list, id) => request(`/api/${list}/${encodeURIComponent(id)}`, { method: "DELETE" });

// mood: {emotion, source: "camera" | "photo" | "correction", corrected_from?}.
export const recordMood = (mood) => request("/api/moods", json("POST", mood));

// feedback: {movie_id, verdict: "like" | "dislike", reason?, emotion?, mode?, taste?}.
export const feedback = (body) => request("/api/feedback", json("POST", body));

export const resetTaste = () => request("/api/taste", { method: "DELETE" });

// taste: a guest's (the server reads it to leave out what they said "not for me" to).
export const similar = (id, taste = "") =>
  request(`/api/movies/${encodeURIComponent(id)}/similar${taste ? `?${new URLSearchParams({ taste })}` : ""}`);

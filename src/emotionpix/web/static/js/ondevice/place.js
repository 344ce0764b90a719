// The viewer's choice of where faces are read, and what the page says about it: "on this
// device" or "on the server" (with the reason when the device cannot).

import { $ } from "../dom.js";
import { t } from "../i18n.js";
import { choose, prepare, simdSupported, where } from "./reader.js";

// The ticked box says "on this device"; only the server is said in words, with its reason.
export function show() {
  const { where: place, reason } = where();
  $("#on-device").checked = place === "device";
  $("#where").textContent = place === "server" ? t("Faces are read on the server: %(reason)s.", { reason: reason.toLowerCase() }) : "";
  document.body.dataset.where = place;
}

// After a reading: where that one ran.
export function ranAt(place) {
  $("#result-where").textContent = place === "device" ? t("Read on this device; only the mood was sent.") : t("Read on the server.");
  show();
}

export function init() {
  const box = $("#on-device");
  box.disabled = !simdSupported();
  box.addEventListener("change", () => {
    choose(box.checked ? "device" : "server");
    show();
  });
  show();
}

// Loads the runtime and models ahead of the first reading; says so if that fails.
export async function warm() {
  await prepare();
  show();
}

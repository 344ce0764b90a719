// Checks on a chosen file before it is sent: what a person can pick by mistake gets a message
// in plain words (the API answers the same cases with its codes for other clients).

import { number, t } from "./i18n.js";

const READABLE = ["image/jpeg", "image/png", "image/webp"];
// What the file is, as the message says it ("“notes.txt” is a text file.").
const KINDS = {
  "text/plain": (name) => t("%(name)s is a text file. Choose a JPEG, PNG or WebP picture of a face.", { name }),
  "application/pdf": (name) => t("%(name)s is a PDF document. Choose a JPEG, PNG or WebP picture of a face.", { name }),
  "image/gif": (name) => t("%(name)s is a GIF animation. Choose a JPEG, PNG or WebP picture of a face.", { name }),
  "image/heic": (name) => t("%(name)s is an HEIC photo, which we cannot read. Choose a JPEG, PNG or WebP picture of a face.", { name }),
  "image/svg+xml": (name) => t("%(name)s is a drawing (SVG). Choose a JPEG, PNG or WebP picture of a face.", { name }),
  "video/mp4": (name) => t("%(name)s is a video. Choose a JPEG, PNG or WebP picture of a face.", { name }),
};

const megabytes = (bytes) =>
  t("%(size)s MB", { size: number(bytes / 2 ** 20, { maximumFractionDigits: bytes < 2 ** 20 ? 1 : 0, minimumFractionDigits: bytes < 2 ** 20 ? 1 : 0 }) });

// Some systems give no type for a file; its name then says what it is.
const readable = (file) => READABLE.includes(file.type) || (!file.type && /\.(jpe?g|png|webp)$/i.test(file.name));

// A message saying what is wrong with the file, or null when it can be sent.
export function problemWith(file, maxBytes) {
  const name = `“${file.name}”`;
  if (!readable(file)) {
    return KINDS[file.type]?.(name) ?? t("%(name)s is not a photo we can read. Choose a JPEG, PNG or WebP picture of a face.", { name });
  }
  if (file.size === 0) return t("%(name)s is empty. Choose another photo.", { name });
  if (maxBytes && file.size > maxBytes) {
    return t("%(name)s is %(size)s; photos can be up to %(limit)s. Choose a smaller one, or use the camera.", {
      name, size: megabytes(file.size), limit: megabytes(maxBytes),
    });
  }
  return null;
}

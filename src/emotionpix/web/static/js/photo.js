// Checks on a chosen file before it is sent: what a person can pick by mistake gets a message
// in plain words (the API answers the same cases with its codes for other clients).

const READABLE = ["image/jpeg", "image/png", "image/webp"];
const KINDS = {
  "text/plain": "a text file",
  "application/pdf": "a PDF document",
  "image/gif": "a GIF animation",
  "image/heic": "an HEIC photo, which we cannot read",
  "image/svg+xml": "a drawing (SVG)",
  "video/mp4": "a video",
};

const megabytes = (bytes) => `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 1 : 0)} MB`;

// Some systems give no type for a file; its name then says what it is.
const readable = (file) => READABLE.includes(file.type) || (!file.type && /\.(jpe?g|png|webp)$/i.test(file.name));

// A message saying what is wrong with the file, or null when it can be sent.
export function problemWith(file, maxBytes) {
  const name = `“${file.name}”`;
  if (!readable(file)) {
    const kind = KINDS[file.type] ?? "not a photo we can read";
    return `${name} is ${kind}. Choose a JPEG, PNG or WebP picture of a face.`;
  }
  if (file.size === 0) return `${name} is empty. Choose another photo.`;
  if (maxBytes && file.size > maxBytes) {
    return `${name} is ${megabytes(file.size)}; photos can be up to ${megabytes(maxBytes)}. Choose a smaller one, or use the camera.`;
  }
  return null;
}

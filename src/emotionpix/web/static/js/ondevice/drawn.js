// The drawn-face gate (emotion/drawn.py) on the device: the detection's box cut from the
// working image, resized to patch x patch (Pillow's bilinear filter, imaging.js), seven
// statistics of it, and the server's fitted logistic model from the contract
// (contract.detector.drawn), so that both sides drop the same emoji, smileys and cartoons.
// Integer arithmetic wherever the server's is, so that the statistics agree exactly.

import { crop, resize, roundHalfEven } from "./imaging.js";

// drawn.patch_box: the box in whole pixels, inside the image, at least one pixel each way.
export function patchBox([x, y, w, h], [width, height]) {
  const left = Math.min(Math.max(roundHalfEven(x), 0), width - 1);
  const top = Math.min(Math.max(roundHalfEven(y), 0), height - 1);
  const right = Math.max(Math.min(roundHalfEven(x + w), width), left + 1);
  const bottom = Math.max(Math.min(roundHalfEven(y + h), height), top + 1);
  return [left, top, right, bottom];
}

// drawn.face_patch: an RGB image of patch x patch.
export function facePatch(rgb, box, patch) {
  const [left, top, right, bottom] = patchBox(box, [rgb.width, rgb.height]);
  return resize(crop(rgb, left, top, right, bottom), patch, patch);
}

const median = (sorted) => {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};

// drawn.features: [flat, levels, texture, odd_colour, saturation, extremes, edges].
export function features(patch) {
  const { width: w, height: h, data } = patch;
  const n = w * h;
  const grey = new Int32Array(n);
  let odd = 0;
  let saturation = 0;
  let extremes = 0;
  const counts = new Float64Array(32);
  for (let i = 0; i < n; i += 1) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    const y = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
    grey[i] = y;
    counts[y >> 3] += 1;
    const cb = -1687 * r - 3313 * g + 5000 * b;
    const cr = 5000 * r - 4187 * g - 813 * b;
    const greyish = cb * cb + cr * cr < 120000 ** 2;
    const skin = cb >= -510000 && cb <= -10000 && cr >= 50000 && cr <= 450000;
    if (!(greyish || skin)) odd += 1;
    saturation += Math.max(r, g, b) - Math.min(r, g, b);
    if (y < 24 || y > 232) extremes += 1;
  }
  const same = (a, b) => data[3 * a] === data[3 * b] && data[3 * a + 1] === data[3 * b + 1] && data[3 * a + 2] === data[3 * b + 2];
  let equal = 0;
  for (let y = 0; y < h; y += 1) for (let x = 1; x < w; x += 1) if (same(y * w + x, y * w + x - 1)) equal += 1;
  for (let y = 1; y < h; y += 1) for (let x = 0; x < w; x += 1) if (same(y * w + x, (y - 1) * w + x)) equal += 1;
  const flat = equal / ((w - 1) * h + w * (h - 1));
  let levels = 0;
  for (const count of counts) {
    if (count > 0) {
      const share = count / n;
      levels -= share * Math.log2(share);
    }
  }
  const laplacian = [];
  const gradient = [];
  for (let y = 1; y < h - 1; y += 1) {
    for (let x = 1; x < w - 1; x += 1) {
      const at = y * w + x;
      laplacian.push(Math.abs(4 * grey[at] - grey[at - w] - grey[at + w] - grey[at - 1] - grey[at + 1]));
      gradient.push(Math.abs(grey[at + 1] - grey[at - 1]) + Math.abs(grey[at + w] - grey[at - w]));
    }
  }
  laplacian.sort((a, b) => a - b);
  gradient.sort((a, b) => a - b);
  const total = gradient.reduce((sum, v) => sum + v, 0);
  const top = gradient.slice(gradient.length - Math.floor(gradient.length / 10)).reduce((sum, v) => sum + v, 0);
  return [flat, levels, median(laplacian), odd / n, saturation / n / 255, extremes / n, top / Math.max(total, 1)];
}

// drawn.drawn_probability.
export function drawnProbability(values, gate) {
  let z = gate.bias;
  values.forEach((value, k) => {
    z += (gate.weights[k] * (value - gate.mean[k])) / gate.scale[k];
  });
  return 1 / (1 + Math.exp(-z));
}

// drawn.looks_drawn: true when the face in `box` looks drawn (never, without a gate).
export function looksDrawn(rgb, box, gate) {
  if (!gate) return false;
  return drawnProbability(features(facePatch(rgb, box, gate.patch)), gate) >= gate.threshold;
}

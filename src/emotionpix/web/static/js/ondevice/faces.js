// The server pipeline's arithmetic (emotion/detector.py, framing.py, engine.py) ported
// step by step: BlazeFace's letterboxed input, anchor decoding, weighted non-maximum
// suppression and the upright-face check; then the classifier's crops (framing.py: aligned by
// the keypoints, or the widened box) and input.
// NumPy computes parts of it in float32; Math.fround does the same here, so that boxes round
// the same way on both sides.

import { crop, image, paste, resize, roundHalfEven, toGrey } from "./imaging.js";

const f32 = Math.fround;

// x / scale - 1 in float32, as NumPy does for a float32 array.
const scaled = (v, pixelScale) => f32(f32(v / pixelScale) - 1);

// Anchor centres (x, y) in [0, 1], float32, in the model's output order.
export function anchors(spec) {
  const out = [];
  spec.strides.forEach((stride, s) => {
    const cells = spec.size / stride;
    for (let y = 0; y < cells; y += 1) {
      for (let x = 0; x < cells; x += 1) {
        const centre = [f32((x + 0.5) / cells), f32((y + 0.5) / cells)];
        for (let a = 0; a < spec.anchors_per_cell[s]; a += 1) out.push(centre);
      }
    }
  });
  return out;
}

// The model input (Float32Array, NCHW or NHWC) and how to map its coordinates back.
export function letterbox(rgb, spec, gap, pixelScale) {
  const size = spec.size;
  const scale = size / Math.max(rgb.width, rgb.height);
  const width = Math.max(1, roundHalfEven(rgb.width * scale));
  const height = Math.max(1, roundHalfEven(rgb.height * scale));
  const resized = resize(rgb, width, height, gap);
  const padX = Math.floor((size - width) / 2);
  const padY = Math.floor((size - height) / 2);
  const plane = size * size;
  const input = new Float32Array(plane * 3).fill(-1);
  const nchw = spec.layout === "nchw";
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const p = (y * width + x) * 3;
      const at = (y + padY) * size + (x + padX);
      for (let c = 0; c < 3; c += 1) {
        input[nchw ? c * plane + at : at * 3 + c] = scaled(resized.data[p + c], pixelScale);
      }
    }
  }
  return { input, dims: nchw ? [1, 3, size, size] : [1, size, size, 3], scale, padX, padY };
}

function iou(a, b) {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[2], b[2]);
  const y1 = Math.min(a[3], b[3]);
  const inter = f32(Math.max(f32(x1 - x0), 0) * Math.max(f32(y1 - y0), 0));
  const areaA = f32(f32(a[2] - a[0]) * f32(a[3] - a[1]));
  const areaB = f32(f32(b[2] - b[0]) * f32(b[3] - b[1]));
  return f32(inter / Math.max(f32(f32(areaA + areaB) - inter), f32(1e-9)));
}

// MediaPipe-style weighted NMS: overlapping boxes averaged, weighted by score.
function weightedNms(corners, points, scores, iouThreshold) {
  let remaining = scores.map((_, i) => i).sort((i, j) => scores[j] - scores[i]);
  const merged = [];
  const threshold = f32(iouThreshold);
  while (remaining.length) {
    const top = remaining[0];
    const group = remaining.filter((i) => iou(corners[top], corners[i]) > threshold);
    const total = group.reduce((sum, i) => sum + scores[i], 0);
    const box = [0, 1, 2, 3].map((k) => group.reduce((sum, i) => sum + corners[i][k] * scores[i], 0) / total);
    const kps = points[top].map((_, p) => [0, 1].map((k) => group.reduce((sum, i) => sum + points[i][p][k] * scores[i], 0) / total));
    merged.push({ box, kps, score: scores[top] });
    const grouped = new Set(group);
    remaining = remaining.filter((i) => !grouped.has(i));
  }
  return merged;
}

// Raw detections -> faces { box: [x, y, w, h], score, keypoints } in the image's pixels.
export function decode(rawScores, rawBoxes, spec, anchorList, frame, { threshold, nmsIou }, imageSize) {
  const size = spec.size;
  const corners = [];
  const points = [];
  const probs = [];
  for (let i = 0; i < anchorList.length; i += 1) {
    const logit = Math.min(100, Math.max(-100, rawScores[i]));
    const prob = 1 / (1 + Math.exp(-logit));
    if (prob < threshold) continue;
    const raw = Array.from(rawBoxes.subarray(i * 16, i * 16 + 16), (v) => f32(v / size));
    const [ax, ay] = anchorList[i];
    const cx = f32(raw[0] + ax);
    const cy = f32(raw[1] + ay);
    const halfW = f32(raw[2] / 2);
    const halfH = f32(raw[3] / 2);
    corners.push([f32(cx - halfW), f32(cy - halfH), f32(cx + halfW), f32(cy + halfH)]);
    points.push([0, 1, 2, 3, 4, 5].map((p) => [f32(raw[4 + 2 * p] + ax), f32(raw[5 + 2 * p] + ay)]));
    probs.push(prob);
  }
  if (!probs.length) return [];
  const toPx = size / frame.scale;
  const offX = frame.padX / frame.scale;
  const offY = frame.padY / frame.scale;
  const [width, height] = imageSize;
  const found = [];
  for (const { box, kps, score } of weightedNms(corners, points, probs, nmsIou)) {
    const x0 = Math.max(0, box[0] * toPx - offX);
    const y0 = Math.max(0, box[1] * toPx - offY);
    const x1 = Math.min(width, box[2] * toPx - offX);
    const y1 = Math.min(height, box[3] * toPx - offY);
    if (x1 - x0 < 2 || y1 - y0 < 2) continue;
    found.push({ box: [x0, y0, x1 - x0, y1 - y0], score, keypoints: kps.map(([px, py]) => [px * toPx - offX, py * toPx - offY]) });
  }
  return found;
}

// detector.upright_face: eyes, nose tip and mouth inside the box and laid out as on a face.
export function upright(face) {
  if (face.keypoints.length < 4) return false;
  const [x, y, w, h] = face.box;
  const [rightEye, leftEye, nose, mouth] = face.keypoints;
  const inside = face.keypoints.slice(0, 4).every(([px, py]) => x <= px && px <= x + w && y <= py && py <= y + h);
  const eyesY = (rightEye[1] + leftEye[1]) / 2;
  return inside && rightEye[0] < leftEye[0] && eyesY < nose[1] && nose[1] < mouth[1];
}

export const prominence = (face) => face.box[2] * face.box[3] * face.score;

// classifier.square_crop_box: a square (left, top, right, bottom) around the box, widened.
export function squareCropBox([x, y, w, h], margin) {
  const side = Math.max(w, h) * (1 + 2 * margin);
  const cx = x + w / 2;
  const cy = y + h / 2;
  const left = roundHalfEven(cx - side / 2);
  const top = roundHalfEven(cy - side / 2);
  const size = Math.max(1, roundHalfEven(side));
  return [left, top, left + size, top + size];
}

// classifier.face_crop: the region in grey, parts outside the image filled with its mean grey,
// resized to size x size.
export function faceCrop(rgb, [left, top, right, bottom], size) {
  const inside = [Math.max(left, 0), Math.max(top, 0), Math.min(right, rgb.width), Math.min(bottom, rgb.height)];
  if (inside[0] >= inside[2] || inside[1] >= inside[3]) return image(size, size, 1, new Uint8Array(size * size).fill(128));
  let region = toGrey(crop(rgb, ...inside));
  if (inside[0] !== left || inside[1] !== top || inside[2] !== right || inside[3] !== bottom) {
    const sum = region.data.reduce((total, v) => total + v, 0);
    const mean = Math.trunc(sum / region.data.length);
    const canvas = image(right - left, bottom - top, 1, new Uint8Array((right - left) * (bottom - top)).fill(mean));
    paste(canvas, region, inside[0] - left, inside[1] - top);
    region = canvas;
  }
  return resize(region, size, size);
}

// framing.can_align: four keypoints, not all in one place.
export function canAlign(face) {
  const points = face.keypoints.slice(0, 4);
  return points.length === 4 && points.some(([x, y]) => x !== points[0][0] || y !== points[0][1]);
}

// framing.similarity: the least-squares similarity target ≈ [[a, -b], [b, a]] source + t,
// summed in the same order as the server.
export function similarity(source, target) {
  const n = source.length;
  const mean = (points, k) => points.reduce((total, p) => total + p[k], 0) / n;
  const [sx, sy, dx, dy] = [mean(source, 0), mean(source, 1), mean(target, 0), mean(target, 1)];
  let norm = 0;
  let dot = 0;
  let cross = 0;
  source.forEach(([px, py], i) => {
    const [qx, qy] = target[i];
    const [ux, uy, vx, vy] = [px - sx, py - sy, qx - dx, qy - dy];
    norm += ux * ux + uy * uy;
    dot += ux * vx + uy * vy;
    cross += ux * vy - uy * vx;
  });
  const a = dot / norm;
  const b = cross / norm;
  return [a, b, dx - (a * sx - b * sy), dy - (b * sx + a * sy)];
}

// framing.covering_box: the square of whole pixels, centred on the crop, holding the turned crop.
function coveringBox([a, b, tx, ty], size) {
  const half = size / 2;
  const cx = a * half - b * half + tx;
  const cy = b * half + a * half + ty;
  const side = size * (Math.abs(a) + Math.abs(b));
  const left = Math.floor(cx - side / 2);
  const top = Math.floor(cy - side / 2);
  const span = Math.max(1, Math.ceil(cx + side / 2) - left, Math.ceil(cy + side / 2) - top);
  return [left, top, left + span, top + span];
}

// framing.aligned_crop: the template laid onto the face's eyes, nose tip and mouth; the
// covering square cut out at `work` x the crop side, then read bilinearly, rounded half to even.
export function alignedCrop(rgb, face, size, { template, work: factor }) {
  const scaledTemplate = template.map(([x, y]) => [x * size, y * size]);
  const [a, b, tx, ty] = similarity(scaledTemplate, face.keypoints.slice(0, 4));
  const box = coveringBox([a, b, tx, ty], size);
  const work = size * factor;
  const region = faceCrop(rgb, box, work);
  const ratio = work / (box[2] - box[0]);
  const out = new Uint8Array(size * size);
  const at = (x, y) => region.data[y * work + x];
  for (let row = 0; row < size; row += 1) {
    const v = row + 0.5;
    for (let col = 0; col < size; col += 1) {
      const u = col + 0.5;
      const x = Math.min(Math.max(((a * u - b * v + tx) - box[0]) * ratio - 0.5, 0), work - 1);
      const y = Math.min(Math.max(((b * u + a * v + ty) - box[1]) * ratio - 0.5, 0), work - 1);
      const [x0, y0] = [Math.floor(x), Math.floor(y)];
      const [x1, y1] = [Math.min(x0 + 1, work - 1), Math.min(y0 + 1, work - 1)];
      const [fx, fy] = [x - x0, y - y0];
      const upper = at(x0, y0) * (1 - fx) + at(x1, y0) * fx;
      const lower = at(x0, y1) * (1 - fx) + at(x1, y1) * fx;
      out[row * size + col] = roundHalfEven(upper * (1 - fy) + lower * fy);
    }
  }
  return image(size, size, 1, out);
}

// classifier.ExpressionClassifier.crop: aligned where the model asks for it, else the box.
export function classifierCrop(rgb, face, { size, margin, align }) {
  if (align && canAlign(face)) return alignedCrop(rgb, face, size, align);
  return faceCrop(rgb, squareCropBox(face.box, margin), size);
}

// The classifier's input [N, 1, size, size] for grey crops.
export function classifierInput(crops, size, pixelScale) {
  const plane = size * size;
  const input = new Float32Array(crops.length * plane);
  crops.forEach((c, n) => {
    for (let i = 0; i < plane; i += 1) input[n * plane + i] = scaled(c.data[i], pixelScale);
  });
  return input;
}

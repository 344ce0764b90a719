// Pillow's image operations that the server's pipeline uses, ported to give the same bytes:
// reduce (box averages by integer factors), resize with the bilinear filter (a two-pass
// convolution in 22-bit fixed point, not plain interpolation), thumbnail sizes, crop and the
// grey conversion. Python rounds half to even; so does roundHalfEven here.
//
// An image is { width, height, channels (3: RGB, 1: grey), data: Uint8Array }.

const PRECISION_BITS = 32 - 8 - 2; // Pillow's fixed point for 8-bit resampling

export function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

export const image = (width, height, channels, data = new Uint8Array(width * height * channels)) => ({ width, height, channels, data });

// RGB from a canvas's RGBA pixels (alpha dropped, as Pillow's convert("RGB") of an opaque frame).
export function fromRGBA(rgba, width, height) {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < out.length; i += 3, j += 4) {
    out[i] = rgba[j];
    out[i + 1] = rgba[j + 1];
    out[i + 2] = rgba[j + 2];
  }
  return image(width, height, 3, out);
}

// convert("L"): ITU-R 601-2 luma in Pillow's 16-bit fixed point.
export function toGrey(img) {
  if (img.channels === 1) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  const d = img.data;
  for (let i = 0, j = 0; i < n; i += 1, j += 3) {
    out[i] = (d[j] * 19595 + d[j + 1] * 38470 + d[j + 2] * 7471 + 0x8000) >>> 16;
  }
  return image(img.width, img.height, 1, out);
}

// crop((left, top, right, bottom)), the box inside the image.
export function crop(img, left, top, right, bottom) {
  const { channels: c } = img;
  const out = image(right - left, bottom - top, c);
  const rowBytes = out.width * c;
  for (let y = 0; y < out.height; y += 1) {
    const from = ((top + y) * img.width + left) * c;
    out.data.set(img.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

// paste(src, (x, y)) onto dst, in place (src inside dst).
export function paste(dst, src, x, y) {
  const c = dst.channels;
  const rowBytes = src.width * c;
  for (let row = 0; row < src.height; row += 1) {
    dst.data.set(src.data.subarray(row * rowBytes, (row + 1) * rowBytes), ((y + row) * dst.width + x) * c);
  }
}

// Pillow's division_UINT32: the multiplier for dividing a sum of n pixels by n, in float.
const multiplierFor = (n) => Math.floor(Math.fround(Math.fround(2 ** 32) / Math.fround(256 * n)));

// reduce((fx, fy)): each output pixel is the mean of an fx x fy block, rounded as Pillow does;
// blocks on the right and bottom edges average the pixels they have.
export function reduce(img, fx, fy) {
  const { width, height, channels: c, data } = img;
  const outW = Math.ceil(width / fx);
  const outH = Math.ceil(height / fy);
  const out = image(outW, outH, c);
  const sums = new Float64Array(c);
  for (let oy = 0; oy < outH; oy += 1) {
    const y0 = oy * fy;
    const y1 = Math.min(y0 + fy, height);
    for (let ox = 0; ox < outW; ox += 1) {
      const x0 = ox * fx;
      const x1 = Math.min(x0 + fx, width);
      const n = (x1 - x0) * (y1 - y0);
      const amend = Math.floor(n / 2);
      sums.fill(amend);
      for (let y = y0; y < y1; y += 1) {
        let p = (y * width + x0) * c;
        for (let x = x0; x < x1; x += 1) {
          for (let k = 0; k < c; k += 1) sums[k] += data[p + k];
          p += c;
        }
      }
      const m = multiplierFor(n);
      const q = (oy * outW + ox) * c;
      for (let k = 0; k < c; k += 1) out.data[q + k] = Math.floor((sums[k] * m) / 2 ** 24);
    }
  }
  return out;
}

const bilinear = (x) => {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
};

// precompute_coeffs: for each output pixel, the first input pixel, the count, and the weights
// in fixed point. Pillow takes the box as C floats (single precision).
function coefficients(inSize, in0, in1, outSize) {
  const scale = Math.fround(in1 - in0) / outSize;
  const filterscale = Math.max(scale, 1);
  const support = 1 * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx += 1) {
    const center = in0 + (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0;
    for (let x = 0; x < xmax; x += 1) {
      k[x] = bilinear((x + xmin - center + 0.5) * ss);
      ww += k[x];
    }
    for (let x = 0; x < xmax; x += 1) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { bounds, weights, ksize };
}

const clip8 = (ss) => (ss >= 2 ** (PRECISION_BITS + 8) ? 255 : ss <= 0 ? 0 : Math.floor(ss / 2 ** PRECISION_BITS));

// ImagingResample with the bilinear filter over box [x0, y0, x1, y1] (floats allowed):
// horizontal pass first, into 8 bits, then vertical.
function resample(img, outW, outH, floatBox) {
  const box = floatBox.map(Math.fround);
  const { channels: c } = img;
  const needH = outW !== img.width || box[0] !== 0 || box[2] !== outW;
  const needV = outH !== img.height || box[1] !== 0 || box[3] !== outH;
  const horiz = coefficients(img.width, box[0], box[2], outW);
  const vert = coefficients(img.height, box[1], box[3], outH);
  let src = img;
  const firstRow = vert.bounds[0];
  const lastRow = vert.bounds[outH * 2 - 2] + vert.bounds[outH * 2 - 1];
  let rowShift = 0;
  if (needH) {
    const tmp = image(outW, lastRow - firstRow, c);
    for (let y = 0; y < tmp.height; y += 1) {
      const rowStart = (y + firstRow) * img.width * c;
      for (let xx = 0; xx < outW; xx += 1) {
        const xmin = horiz.bounds[xx * 2];
        const xmax = horiz.bounds[xx * 2 + 1];
        const kOff = xx * horiz.ksize;
        for (let ch = 0; ch < c; ch += 1) {
          let ss = 1 << (PRECISION_BITS - 1);
          for (let x = 0; x < xmax; x += 1) ss += img.data[rowStart + (x + xmin) * c + ch] * horiz.weights[kOff + x];
          tmp.data[(y * outW + xx) * c + ch] = clip8(ss);
        }
      }
    }
    src = tmp;
    rowShift = firstRow;
  }
  if (!needV) return src;
  const out = image(outW, outH, c);
  for (let yy = 0; yy < outH; yy += 1) {
    const ymin = vert.bounds[yy * 2] - rowShift;
    const ymax = vert.bounds[yy * 2 + 1];
    const kOff = yy * vert.ksize;
    for (let xx = 0; xx < outW; xx += 1) {
      for (let ch = 0; ch < c; ch += 1) {
        let ss = 1 << (PRECISION_BITS - 1);
        for (let y = 0; y < ymax; y += 1) ss += src.data[((y + ymin) * src.width + xx) * c + ch] * vert.weights[kOff + y];
        out.data[(yy * outW + xx) * c + ch] = clip8(ss);
      }
    }
  }
  return out;
}

// Image.resize(size, BILINEAR, reducing_gap=gap): with a gap, an integer reduce() first does
// most of the shrinking, then the filter the rest.
export function resize(img, outW, outH, gap = null) {
  let box = [0, 0, img.width, img.height];
  if (img.width === outW && img.height === outH) return image(outW, outH, img.channels, img.data.slice());
  let src = img;
  if (gap !== null) {
    const fx = Math.trunc(img.width / outW / gap) || 1;
    const fy = Math.trunc(img.height / outH / gap) || 1;
    if (fx > 1 || fy > 1) {
      src = reduce(img, fx, fy);
      box = [0, 0, img.width / fx, img.height / fy];
    }
  }
  // A box of integer corners that already has the asked size is a crop (here: all of src).
  if (Number.isInteger(box[0]) && box[2] - box[0] === outW && Number.isInteger(box[1]) && box[3] - box[1] === outH) {
    return box[2] === src.width && box[3] === src.height ? src : crop(src, box[0], box[1], box[2], box[3]);
  }
  return resample(src, outW, outH, box);
}

// Image.thumbnail((maxW, maxH), BILINEAR, reducing_gap): the aspect-preserving size Pillow
// picks, or the image itself when it already fits.
export function thumbnail(img, maxW, maxH, gap) {
  if (maxW >= img.width && maxH >= img.height) return img;
  const aspect = img.width / img.height;
  const roundAspect = (number, key) => {
    const lo = Math.floor(number);
    const hi = Math.ceil(number);
    return Math.max(key(hi) < key(lo) ? hi : lo, 1);
  };
  let [x, y] = [maxW, maxH];
  if (x / y >= aspect) x = roundAspect(y * aspect, (n) => Math.abs(aspect - n / y));
  else y = roundAspect(x / aspect, (n) => (n === 0 ? 0 : Math.abs(aspect - x / n)));
  if (x === img.width && y === img.height) return img;
  return resize(img, x, y, gap);
}

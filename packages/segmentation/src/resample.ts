/**
 * Resampling of float planes by a scale factor, separably (rows, then columns), with a triangle filter widened to
 * the factor when shrinking (area-weighted, no aliasing: a 90 px nucleus brought to 12 px keeps its mean
 * brightness instead of a sparse sample of its texture) and plain bilinear interpolation when enlarging. Pixel
 * centres are aligned (x_src = (x + 0.5) / scale − 0.5), so resampling to a size and back loses no offset.
 */

interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  stride: number;
}

function taps(from: number, to: number): Taps {
  const scale = to / from;
  const support = scale < 1 ? 1 / scale : 1;
  const stride = Math.ceil(2 * support) + 2;
  const start = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float32Array(to * stride);
  for (let o = 0; o < to; o++) {
    const centre = (o + 0.5) / scale - 0.5;
    const first = Math.max(0, Math.ceil(centre - support));
    const last = Math.min(from - 1, Math.floor(centre + support));
    let sum = 0;
    for (let s = first; s <= last; s++) {
      const w = Math.max(0, 1 - Math.abs(s - centre) / support);
      weights[o * stride + s - first] = w;
      sum += w;
    }
    // An output pixel centred past the last input pixel takes that pixel.
    if (sum === 0) {
      start[o] = Math.min(from - 1, Math.max(0, Math.round(centre)));
      count[o] = 1;
      weights[o * stride] = 1;
      continue;
    }
    start[o] = first;
    count[o] = last - first + 1;
    for (let k = 0; k < count[o]!; k++) weights[o * stride + k]! /= sum;
  }
  return { start, count, weights, stride };
}

/**
 * `plane` (width × height) resampled to (toWidth × toHeight), one output row at a time: `row(y)` returns row y
 * (a reused buffer valid until the next call, or a view of `plane` at the same size). The horizontal pass keeps only the input rows the vertical taps
 * reach (a ring of `stride` rows), not a whole intermediate image: a large plane costs no more than its output.
 * Rows are cheapest asked in increasing y.
 */
export function rowResampler(plane: Float32Array, width: number, height: number, toWidth: number, toHeight: number) {
  if (toWidth === width && toHeight === height) return (y: number) => plane.subarray(y * width, (y + 1) * width);
  const h = taps(width, toWidth);
  const v = taps(height, toHeight);
  const ring = new Float32Array(toWidth * v.stride);
  // The input row held in each ring slot (-1: none yet).
  const held = new Int32Array(v.stride).fill(-1);
  const out = new Float32Array(toWidth);
  const horizontal = (y: number): number => {
    const slot = y % v.stride;
    const dst = slot * toWidth;
    if (held[slot] === y) return dst;
    held[slot] = y;
    const src = y * width;
    for (let x = 0; x < toWidth; x++) {
      const s = src + h.start[x]!;
      const w = x * h.stride;
      let sum = 0;
      for (let k = 0; k < h.count[x]!; k++) sum += plane[s + k]! * h.weights[w + k]!;
      ring[dst + x] = sum;
    }
    return dst;
  };
  return (y: number): Float32Array => {
    out.fill(0);
    const s0 = v.start[y]!;
    const w = y * v.stride;
    // Every row the taps reach is in the ring before any is read (count ≤ stride: none evicts another).
    const count = v.count[y]!;
    for (let k = 0; k < count; k++) horizontal(s0 + k);
    for (let k = 0; k < count; k++) {
      const weight = v.weights[w + k]!;
      const src = ((s0 + k) % v.stride) * toWidth;
      for (let x = 0; x < toWidth; x++) out[x]! += ring[src + x]! * weight;
    }
    return out;
  };
}

/** `plane` (width × height) resampled to (toWidth × toHeight). */
export function resample(
  plane: Float32Array,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): Float32Array {
  if (toWidth === width && toHeight === height) return plane;
  const row = rowResampler(plane, width, height, toWidth, toHeight);
  const out = new Float32Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) out.set(row(y), y * toWidth);
  return out;
}

/** The size of a width × height image at `scale`, at least 1 px each way. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

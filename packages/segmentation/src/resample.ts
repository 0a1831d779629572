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

/** A plane's rows, asked one at a time (a producer may make them on demand). */
export type RowSource = (y: number) => Float32Array;

/** The rows of a whole plane (views, no copy). */
export function planeRows(plane: Float32Array, width: number): RowSource {
  return (y) => plane.subarray(y * width, (y + 1) * width);
}

/**
 * Resampling (width × height) to (toWidth × toHeight) a row at a time: input rows are pushed in order, and output
 * row y can be made once every input row its taps read has been pushed (`ready`). Only the last `stride` input rows
 * are kept (after the horizontal pass), not a whole intermediate image, so a large plane costs no more than its
 * output, and a plane made in strips (model tiles) is resampled as it comes. Output rows are asked in increasing y,
 * each as soon as it is ready (later pushes would evict its input rows). Same arithmetic as a whole-plane pass.
 */
export function rowResampler(width: number, height: number, toWidth: number, toHeight: number) {
  const h = taps(width, toWidth);
  const v = taps(height, toHeight);
  const ring = new Float32Array(toWidth * v.stride);
  const out = new Float32Array(toWidth);
  let pushed = 0;
  return {
    push(row: Float32Array): void {
      const dst = (pushed++ % v.stride) * toWidth;
      for (let x = 0; x < toWidth; x++) {
        const s = h.start[x]!;
        const w = x * h.stride;
        let sum = 0;
        for (let k = 0; k < h.count[x]!; k++) sum += row[s + k]! * h.weights[w + k]!;
        ring[dst + x] = sum;
      }
    },
    ready: (y: number): boolean => v.start[y]! + v.count[y]! <= pushed,
    /** Output row y: a reused buffer, valid until the next call. */
    row(y: number): Float32Array {
      const s0 = v.start[y]!;
      const count = v.count[y]!;
      if (s0 + count > pushed || s0 < pushed - v.stride) throw new Error(`resampled row ${y} asked out of order`);
      out.fill(0);
      for (let k = 0; k < count; k++) {
        const weight = v.weights[y * v.stride + k]!;
        const src = ((s0 + k) % v.stride) * toWidth;
        for (let x = 0; x < toWidth; x++) out[x]! += ring[src + x]! * weight;
      }
      return out;
    },
  };
}

/**
 * `rows` (width × height) resampled to (toWidth × toHeight), as a source of output rows asked in increasing y (each
 * a reused buffer, valid until the next call); input rows are read in increasing y, each once.
 */
export function resampledRows(
  rows: RowSource,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): RowSource {
  if (toWidth === width && toHeight === height) return rows;
  const r = rowResampler(width, height, toWidth, toHeight);
  let next = 0;
  return (y) => {
    while (!r.ready(y)) r.push(rows(next++));
    return r.row(y);
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
  const rows = resampledRows(planeRows(plane, width), width, height, toWidth, toHeight);
  const out = new Float32Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) out.set(rows(y), y * toWidth);
  return out;
}

/** The size of a width × height image at `scale`, at least 1 px each way. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Resampling of float planes by a scale factor, separably (rows, then columns), with a triangle filter widened to
 * the factor when shrinking (area-weighted, no aliasing: a 90 px nucleus brought to 12 px keeps its mean
 * brightness instead of a sparse sample of its texture) and plain bilinear interpolation when enlarging. Pixel
 * centres are aligned (x_src = (x + 0.5) / scale − 0.5), so resampling to a size and back loses no offset.
 */

/** Output o reads inputs source[first[o] … first[o + 1]) with their weights; `depth` bounds the taps of any output. */
interface Taps {
  first: Int32Array;
  source: Int32Array;
  weight: Float32Array;
  depth: number;
}

function taps(from: number, to: number): Taps {
  const scale = to / from;
  const support = scale < 1 ? 1 / scale : 1;
  const depth = Math.ceil(2 * support) + 2;
  const first = new Int32Array(to + 1);
  const source = new Int32Array(to * depth);
  const weight = new Float32Array(to * depth);
  let j = 0;
  for (let o = 0; o < to; o++) {
    const centre = (o + 0.5) / scale - 0.5;
    const lo = Math.max(0, Math.ceil(centre - support));
    const hi = Math.min(from - 1, Math.floor(centre + support));
    let sum = 0;
    for (let s = lo; s <= hi; s++) {
      const w = Math.max(0, 1 - Math.abs(s - centre) / support);
      source[j + s - lo] = s;
      weight[j + s - lo] = w;
      sum += w;
    }
    // An output pixel centred past the last input pixel takes that pixel.
    if (sum === 0) {
      source[j] = Math.min(from - 1, Math.max(0, Math.round(centre)));
      weight[j] = 1;
      first[o + 1] = ++j;
      continue;
    }
    for (let s = lo; s <= hi; s++) weight[j++]! /= sum;
    first[o + 1] = j;
  }
  return { first, source: source.subarray(0, j), weight: weight.subarray(0, j), depth };
}

/** A plane's rows, asked one at a time (a producer may make them on demand). */
export type RowSource = (y: number) => Float32Array;

/** The rows of a whole plane (views, no copy). */
export function planeRows(plane: Float32Array, width: number): RowSource {
  return (y) => plane.subarray(y * width, (y + 1) * width);
}

/**
 * Resampling (width × height) to (toWidth × toHeight) a row at a time: input rows are pushed in order, and output
 * row y can be made once every input row its taps read has been pushed (`ready`). Only the last `depth` input rows
 * are kept (after the horizontal pass), not a whole intermediate image, so a large plane costs no more than its
 * output, and a plane made in strips (model tiles) is resampled as it comes. Output rows are asked in increasing y,
 * each as soon as it is ready (later pushes would evict its input rows). Same arithmetic as a whole-plane pass.
 */
export function rowResampler(width: number, height: number, toWidth: number, toHeight: number) {
  const h = taps(width, toWidth);
  const v = taps(height, toHeight);
  const { first, source, weight } = h;
  const ring = new Float32Array(toWidth * v.depth);
  const out = new Float32Array(toWidth);
  let pushed = 0;
  /** Input rows output row y reads: [lo, hi). */
  const lo = (y: number) => v.source[v.first[y]!]!;
  const hi = (y: number) => v.source[v.first[y + 1]! - 1]! + 1;
  return {
    push(row: Float32Array): void {
      const dst = (pushed++ % v.depth) * toWidth;
      for (let x = 0, j = 0; x < toWidth; x++) {
        let sum = 0;
        for (const end = first[x + 1]!; j < end; j++) sum += row[source[j]!]! * weight[j]!;
        ring[dst + x] = sum;
      }
    },
    ready: (y: number): boolean => hi(y) <= pushed,
    /** Output row y: a reused buffer, valid until the next call. */
    row(y: number): Float32Array {
      if (hi(y) > pushed || lo(y) < pushed - v.depth) throw new Error(`resampled row ${y} asked out of order`);
      // The first tap is added to 0 (not merely stored) so that a −0 product comes out +0, as accumulated.
      const j0 = v.first[y]!;
      const w0 = v.weight[j0]!;
      const src0 = (v.source[j0]! % v.depth) * toWidth;
      for (let x = 0; x < toWidth; x++) out[x] = 0 + ring[src0 + x]! * w0;
      for (let j = j0 + 1; j < v.first[y + 1]!; j++) {
        const w = v.weight[j]!;
        const src = (v.source[j]! % v.depth) * toWidth;
        for (let x = 0; x < toWidth; x++) out[x]! += ring[src + x]! * w;
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

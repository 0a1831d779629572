/**
 * Estimates an image's typical nucleus diameter from its blobs: the scale-normalised Laplacian of Gaussian
 * (σ² · −∇²G_σ) peaks, over position and scale, at a blob's centre and at σ ≈ r / √2 (Lindeberg). Scales are
 * searched on a pyramid of 2× downsampled images (five σ per octave, the outer two only to find the peaks of the
 * middle three), so each octave costs a quarter of the one before. The diameter is the response-weighted median
 * of the strongest peaks' diameters, mapped by a calibration fitted on the training split of the annotated set
 * (scripts/calibrate-diameter.ts; docs/segmenter.md gives its error on the validation split).
 */

/** σ per octave, in that octave's pixels: with the next octave's, a geometric series of ratio 2^⅓. */
const OCTAVE_SIGMAS = [1.26, 1.59, 2.0];
/** The first octave searched: level 1 (half size) finds diameters from ~8 px up. */
const FIRST_LEVEL = 1;
/** Diameters searched reach this (px): beyond, a clump of nuclei or the illumination would be taken for one. */
const MAX_DIAMETER = 192;
/** Peaks weaker than this fraction of the strongest are ignored (noise, texture inside nuclei). */
const RELATIVE_THRESHOLD = 0.25;
/** A peak must stand this far above zero, in normalised intensity (an empty field has none). */
const ABSOLUTE_THRESHOLD = 0.04;

/** ln(diameter) = SLOPE · ln(2√2 σ) + INTERCEPT, fitted on data/dsb2018's training split. */
export const DIAMETER_CALIBRATION = { slope: 0.993, intercept: 0.027 };

/** Nucleus diameters (px) a user may set (objectDiameter on an experiment, a job, the CLI, a taught model). */
export const OBJECT_DIAMETER_RANGE = { min: 2, max: 1000 } as const;

export interface DiameterEstimate {
  /** Typical nucleus diameter (px); undefined when the image has no blob at all. */
  diameter: number | undefined;
  /** Peaks the estimate rests on. */
  blobs: number;
}

function downsample(plane: Float32Array, width: number, height: number) {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const a = 2 * y * width;
    const b = a + width;
    for (let x = 0; x < w; x++) {
      const s = 2 * x;
      out[y * w + x] = 0.25 * (plane[a + s]! + plane[a + s + 1]! + plane[b + s]! + plane[b + s + 1]!);
    }
  }
  return { plane: out, width: w, height: h };
}

/** Separable Gaussian blur, edges clamped. */
export function gaussianBlur(plane: Float32Array, width: number, height: number, sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const taps = 2 * radius + 1;
  const kernel = new Float32Array(taps);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < taps; i++) kernel[i]! /= sum;
  const tmp = new Float32Array(plane.length);
  // Columns whose taps all lie inside the row need no clamping: the edges are done apart.
  const inner0 = Math.min(radius, width);
  const inner1 = Math.max(inner0, width - radius);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < inner0; x++) tmp[row + x] = clampedTaps(plane, row, x, width, kernel);
    for (let x = inner0; x < inner1; x++) {
      let v = 0;
      for (let k = 0, i = row + x - radius; k < taps; k++, i++) v += plane[i]! * kernel[k]!;
      tmp[row + x] = v;
    }
    for (let x = inner1; x < width; x++) tmp[row + x] = clampedTaps(plane, row, x, width, kernel);
  }
  // Vertically, row by row, each tap's sum rounded to float32 (as a plane accumulated in place): three taps per
  // pass over the output row, which stays in cache, then any left over one by one.
  const out = new Float32Array(plane.length);
  const fround = Math.fround;
  const rowOf = (y: number, k: number) => Math.min(height - 1, Math.max(0, y + k - radius)) * width;
  for (let y = 0; y < height; y++) {
    const dst = y * width;
    let k = 0;
    for (; k + 2 < taps; k += 3) {
      const [w0, w1, w2] = [kernel[k]!, kernel[k + 1]!, kernel[k + 2]!];
      const [s0, s1, s2] = [rowOf(y, k), rowOf(y, k + 1), rowOf(y, k + 2)];
      for (let x = 0; x < width; x++) {
        out[dst + x] = fround(
          fround(fround(out[dst + x]! + tmp[s0 + x]! * w0) + tmp[s1 + x]! * w1) + tmp[s2 + x]! * w2,
        );
      }
    }
    for (; k < taps; k++) {
      const w = kernel[k]!;
      const src = rowOf(y, k);
      for (let x = 0; x < width; x++) out[dst + x]! += tmp[src + x]! * w;
    }
  }
  return out;
}

/** The kernel at column x of a row, edges clamped. */
function clampedTaps(plane: Float32Array, row: number, x: number, width: number, kernel: Float32Array): number {
  const radius = kernel.length >> 1;
  let v = 0;
  for (let k = -radius; k <= radius; k++) {
    const xx = x + k < 0 ? 0 : x + k >= width ? width - 1 : x + k;
    v += plane[row + xx]! * kernel[k + radius]!;
  }
  return v;
}

/**
 * σ² · −∇²g for a plane g already blurred at σ (5-point Laplacian, edges clamped), as float32, kept per pixel
 * where it beats `response` (with `diameter` for σ).
 */
function keepStronger(
  g: Float32Array,
  width: number,
  height: number,
  sigma: number,
  d: number,
  response: Float32Array,
  diameter: Float32Array,
): void {
  const s2 = sigma * sigma;
  for (let y = 0; y < height; y++) {
    const up = (y > 0 ? y - 1 : y) * width;
    const down = (y < height - 1 ? y + 1 : y) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const left = x > 0 ? x - 1 : x;
      const right = x < width - 1 ? x + 1 : x;
      const lap = g[row + left]! + g[row + right]! + g[up + x]! + g[down + x]! - 4 * g[row + x]!;
      const r = Math.fround(-s2 * lap);
      if (r > response[row + x]!) {
        response[row + x] = r;
        diameter[row + x] = d;
      }
    }
  }
}

/**
 * The strongest response of octave `level` per pixel, over its σ (diameters beyond MAX_DIAMETER left out; the
 * first σ on a tie), and that σ's diameter in level-0 px. Each blur starts from the previous one
 * (G_b = G_a * G_√(b²−a²)), small kernels.
 */
function octaveBest(plane: Float32Array, width: number, height: number, level: number) {
  const response = new Float32Array(width * height).fill(Number.NEGATIVE_INFINITY);
  const diameter = new Float32Array(width * height);
  let blurred = plane;
  let previous = 0;
  for (const sigma of OCTAVE_SIGMAS) {
    blurred = gaussianBlur(blurred, width, height, Math.sqrt(sigma * sigma - previous * previous));
    previous = sigma;
    const d = 2 * Math.SQRT2 * sigma * 2 ** level;
    if (d > MAX_DIAMETER) continue;
    keepStronger(blurred, width, height, sigma, d, response, diameter);
  }
  return { response, diameter };
}

/**
 * Blob peaks: [diameter in level-0 px, response] pairs. Every searched scale's response is read at the first
 * octave's resolution (coarser octaves by nearest neighbour); a pixel's scale is the one where its response is
 * largest, so texture inside a large nucleus (a peak at a small scale, dominated by the nucleus' own response at
 * its scale) is not taken for a small nucleus; peaks are the 3×3 maxima of that best response.
 */
function peaks(plane: Float32Array, width: number, height: number): [number, number][] {
  let level = { plane, width, height };
  for (let l = 0; l < FIRST_LEVEL && level.width >= 4 && level.height >= 4; l++)
    level = downsample(level.plane, level.width, level.height);
  const w = level.width;
  const h = level.height;
  const best = new Float32Array(w * h);
  const bestDiameter = new Float32Array(w * h);
  for (
    let l = FIRST_LEVEL;
    level.width >= 8 && level.height >= 8 && 2 * Math.SQRT2 * OCTAVE_SIGMAS[0]! * 2 ** l <= MAX_DIAMETER;
    l++
  ) {
    const shift = l - FIRST_LEVEL;
    const octave = octaveBest(level.plane, level.width, level.height, l);
    // Each first-octave pixel compares against its octave pixel's best scale: the same winner as comparing every
    // scale in turn (a later scale replaces an earlier one only when strictly stronger).
    const column = new Int32Array(w);
    for (let x = 0; x < w; x++) column[x] = Math.min(level.width - 1, x >> shift);
    for (let y = 0; y < h; y++) {
      const ry = Math.min(level.height - 1, y >> shift) * level.width;
      for (let x = 0, i = y * w; x < w; x++, i++) {
        const c = ry + column[x]!;
        const v = octave.response[c]!;
        if (v > best[i]!) {
          best[i] = v;
          bestDiameter[i] = octave.diameter[c]!;
        }
      }
    }
    level = downsample(level.plane, level.width, level.height);
  }
  const found: [number, number][] = [];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = best[i]!;
      if (v < ABSOLUTE_THRESHOLD) continue;
      // Strictly above the neighbours before it, at least the ones after: one peak per plateau (coarse octaves,
      // read by nearest neighbour, are plateaus of 2^k × 2^k pixels).
      if (v <= best[i - 1]! || v <= best[i - w]! || v <= best[i - w - 1]! || v <= best[i - w + 1]!) continue;
      if (v < best[i + 1]! || v < best[i + w]! || v < best[i + w - 1]! || v < best[i + w + 1]!) continue;
      found.push([bestDiameter[i]!, v]);
    }
  }
  return found;
}

/** The uncalibrated estimate: 2√2 σ of the response-weighted median peak (what the calibration is fitted to). */
export function blobDiameter(plane: Float32Array, width: number, height: number): DiameterEstimate {
  const all = peaks(plane, width, height);
  if (all.length === 0) return { diameter: undefined, blobs: 0 };
  const strongest = all.reduce((m, p) => Math.max(m, p[1]), 0);
  const kept = all.filter((p) => p[1] >= RELATIVE_THRESHOLD * strongest).sort((a, b) => a[0] - b[0]);
  const total = kept.reduce((s, p) => s + p[1], 0);
  let seen = 0;
  let blob = kept[kept.length - 1]![0];
  for (const [d, weight] of kept) {
    seen += weight;
    if (seen >= total / 2) {
      blob = d;
      break;
    }
  }
  return { diameter: blob, blobs: kept.length };
}

/** The typical nucleus diameter of a normalised image (normalizeImage). */
export function estimateDiameter(plane: Float32Array, width: number, height: number): DiameterEstimate {
  const raw = blobDiameter(plane, width, height);
  if (raw.diameter === undefined) return raw;
  const { slope, intercept } = DIAMETER_CALIBRATION;
  return { diameter: Math.exp(slope * Math.log(raw.diameter) + intercept), blobs: raw.blobs };
}

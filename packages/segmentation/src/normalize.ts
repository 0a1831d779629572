/**
 * Per-image intensity normalisation for models that declare `platescale.input = normalized` (the nuclei CNN and
 * models taught from it): the 1st percentile → 0, the 99.8th → 1 (as StarDist/CSBDeep normalise), so one model
 * serves 8- and 16-bit images, any exposure and any microscope.
 *
 * The range is at least MIN_RANGE_IN_NOISE_SIGMAS noise standard deviations: without that floor a field with no
 * nucleus (or one small one, under 0.2 % of the pixels) would stretch its own noise to 0…1 and the noise would
 * become objects — exactly the wells where a treatment killed the cells.
 */

export const LOW_PERCENTILE = 0.01;
export const HIGH_PERCENTILE = 0.998;
export const MIN_RANGE_IN_NOISE_SIGMAS = 20;
/** Values are clipped to this range: far outside what a model learnt, it extrapolates. */
export const NORMALIZED_MIN = -0.5;
export const NORMALIZED_MAX = 3;
/** For white noise of deviation σ, neighbouring differences have mean absolute value 2σ/√π. */
const MEAN_ABS_DIFFERENCE_PER_SIGMA = 2 / Math.sqrt(Math.PI);

export interface Normalization {
  low: number;
  high: number;
  /** Noise σ estimated from neighbouring pixels, in the input's units. */
  noise: number;
}

type Samples = Uint8Array | Uint16Array | Float32Array;

function percentiles(data: Samples): [number, number] {
  const n = data.length;
  const lowRank = Math.floor(LOW_PERCENTILE * (n - 1));
  const highRank = Math.floor(HIGH_PERCENTILE * (n - 1));
  if (data instanceof Float32Array) {
    const sorted = Float32Array.from(data).sort();
    return [sorted[lowRank]!, sorted[highRank]!];
  }
  const histogram = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
  for (let i = 0; i < n; i++) histogram[data[i]!]!++;
  let low = -1;
  let seen = 0;
  for (let v = 0; v < histogram.length; v++) {
    seen += histogram[v]!;
    if (low < 0 && seen > lowRank) low = v;
    if (seen > highRank) return [low, v];
  }
  return [low, histogram.length - 1];
}

/** The noise σ from the mean absolute difference of horizontal neighbours (edges of sparse objects add little). */
function noiseSigma(data: Samples, width: number, height: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 1; x < width; x++) sum += Math.abs(data[row + x]! - data[row + x - 1]!);
    count += width - 1;
  }
  return count ? sum / count / MEAN_ABS_DIFFERENCE_PER_SIGMA : 0;
}

export function normalizationOf(data: Samples, width: number, height: number): Normalization {
  const [low, high] = percentiles(data);
  return { low, high, noise: noiseSigma(data, width, height) };
}

/** The image normalised and clipped, as float32 (a new array). */
export function normalizeImage(data: Samples, width: number, height: number): Float32Array {
  const { low, high, noise } = normalizationOf(data, width, height);
  const range = Math.max(high - low, MIN_RANGE_IN_NOISE_SIGMAS * noise, 1e-6);
  const out = new Float32Array(data.length);
  for (let i = 0; i < out.length; i++) {
    const v = (data[i]! - low) / range;
    out[i] = Math.min(NORMALIZED_MAX, Math.max(NORMALIZED_MIN, v));
  }
  return out;
}

/**
 * Global thresholds on a foreground map, computed on a 4096-bin histogram (exact enough at that
 * resolution and O(N) in the pixel count). Both match scikit-image's threshold_li / threshold_otsu.
 */
const BINS = 4096;

interface Histogram {
  counts: Uint32Array;
  min: number;
  width: number;
}

function histogram(values: Float32Array): Histogram {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const width = max > min ? (max - min) / BINS : 1;
  const counts = new Uint32Array(BINS);
  const scale = 1 / width;
  for (let i = 0; i < values.length; i++) {
    const b = ((values[i]! - min) * scale) | 0;
    counts[b < BINS ? b : BINS - 1]!++;
  }
  return { counts, min, width };
}

/** Minimum cross-entropy (Li & Tam 1998), CellProfiler's default "Minimum Cross-Entropy" method. */
export function thresholdLi(values: Float32Array): number {
  const { counts, min, width } = histogram(values);
  // Li needs positive intensities: shift so the lowest bin centre is at 1 bin width, as skimage shifts by the minimum.
  const centre = (b: number) => (b + 1) * width;
  let total = 0;
  let sum = 0;
  for (let b = 0; b < BINS; b++) {
    total += counts[b]!;
    sum += counts[b]! * centre(b);
  }
  let t = sum / total;
  const tolerance = width / 2;
  for (let iter = 0; iter < 1000; iter++) {
    const cut = Math.floor(t / width - 1);
    let nb = 0;
    let sb = 0;
    for (let b = 0; b <= cut && b < BINS; b++) {
      nb += counts[b]!;
      sb += counts[b]! * centre(b);
    }
    const nf = total - nb;
    if (nb === 0 || nf === 0) break;
    const meanBack = sb / nb;
    const meanFore = (sum - sb) / nf;
    const next = (meanBack - meanFore) / (Math.log(meanBack) - Math.log(meanFore));
    if (!Number.isFinite(next)) break;
    const done = Math.abs(next - t) < tolerance;
    t = next;
    if (done) break;
  }
  return t - width + min;
}

/** Otsu's method: the cut maximising between-class variance. */
export function thresholdOtsu(values: Float32Array): number {
  const { counts, min, width } = histogram(values);
  let total = 0;
  let sum = 0;
  for (let b = 0; b < BINS; b++) {
    total += counts[b]!;
    sum += counts[b]! * b;
  }
  let wb = 0;
  let sb = 0;
  let best = 0;
  let bestVar = -1;
  for (let b = 0; b < BINS - 1; b++) {
    wb += counts[b]!;
    sb += counts[b]! * b;
    const wf = total - wb;
    if (wb === 0 || wf === 0) continue;
    const diff = sb / wb - (sum - sb) / wf;
    const between = wb * wf * diff * diff;
    if (between > bestVar) {
      bestVar = between;
      best = b;
    }
  }
  return min + (best + 1) * width;
}

/**
 * A global split is accepted only if the mean of the pixels above it stands at least this many standard deviations
 * of the pixels below it above their mean. Measured on the default model's map: a field with no object — pure noise
 * or an illumination ramp — still has an Otsu/Li cut, and its two classes are 2.7–3.3 SDs apart (Otsu found 1047
 * "nuclei" in a blank 16-bit field); the real D03 field and its dim/offset/8-/16-bit variants are ≥ 9.4 apart,
 * synthetic nuclei fields ≥ 15.
 */
export const MIN_CLASS_SEPARATION_SDS = 5;

/**
 * `cut` if it separates two real populations of `values`, else the maximum (nothing is above it): like the
 * lower bound of CellProfiler's threshold, it keeps an empty well empty instead of splitting its noise.
 */
export function boundedCut(values: Float32Array, cut: number): number {
  let n0 = 0;
  let s0 = 0;
  let q0 = 0;
  let n1 = 0;
  let s1 = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v > max) max = v;
    if (v > cut) {
      n1++;
      s1 += v;
    } else {
      n0++;
      s0 += v;
      q0 += v * v;
    }
  }
  if (n0 === 0 || n1 === 0) return cut;
  const mean0 = s0 / n0;
  const sd0 = Math.sqrt(Math.max(0, q0 / n0 - mean0 * mean0));
  return s1 / n1 - mean0 >= MIN_CLASS_SEPARATION_SDS * sd0 ? cut : max;
}

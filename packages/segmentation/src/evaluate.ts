/**
 * Object-level agreement of a predicted label image with ground truth, as the 2018 Data Science Bowl scored it:
 * a predicted object matches a true one when their IoU exceeds a threshold (above 0.5 a match is one-to-one).
 */
export interface Agreement {
  truth: number;
  predicted: number;
  /** Pairs with IoU above the threshold. */
  matched: number;
  f1: number;
}

/** The IoU thresholds of the DSB score: 0.5, 0.55 … 0.95. */
export const DSB_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);

export interface ObjectScores {
  truth: number;
  predicted: number;
  /** Matches at each of DSB_THRESHOLDS. */
  matched: number[];
  /** True objects that two or more predicted objects lie mostly (≥ half their area) inside. */
  splits: number;
  /** Predicted objects that two or more true objects lie mostly inside. */
  merges: number;
}

interface Overlaps {
  areaT: Map<number, number>;
  areaP: Map<number, number>;
  /** (t, p) → intersection, keyed t · 2³² + p. */
  overlap: Map<number, number>;
}

function overlaps(truth: ArrayLike<number>, predicted: ArrayLike<number>): Overlaps {
  const areaT = new Map<number, number>();
  const areaP = new Map<number, number>();
  const overlap = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (t) areaT.set(t, (areaT.get(t) ?? 0) + 1);
    if (p) areaP.set(p, (areaP.get(p) ?? 0) + 1);
    if (t && p) {
      const k = t * 2 ** 32 + p;
      overlap.set(k, (overlap.get(k) ?? 0) + 1);
    }
  }
  return { areaT, areaP, overlap };
}

function matches(o: Overlaps, threshold: number): number {
  let matched = 0;
  for (const [k, inter] of o.overlap) {
    const t = Math.floor(k / 2 ** 32);
    const p = k % 2 ** 32;
    if (inter / (o.areaT.get(t)! + o.areaP.get(p)! - inter) > threshold) matched++;
  }
  return matched;
}

export function matchObjects(truth: ArrayLike<number>, predicted: ArrayLike<number>, threshold = 0.5): Agreement {
  const o = overlaps(truth, predicted);
  const matched = matches(o, threshold);
  const n = o.areaT.size + o.areaP.size;
  return { truth: o.areaT.size, predicted: o.areaP.size, matched, f1: n ? (2 * matched) / n : 1 };
}

export function scoreObjects(truth: ArrayLike<number>, predicted: ArrayLike<number>): ObjectScores {
  const o = overlaps(truth, predicted);
  const insideTruth = new Map<number, number>();
  const insidePredicted = new Map<number, number>();
  for (const [k, inter] of o.overlap) {
    const t = Math.floor(k / 2 ** 32);
    const p = k % 2 ** 32;
    if (inter >= 0.5 * o.areaP.get(p)!) insideTruth.set(t, (insideTruth.get(t) ?? 0) + 1);
    if (inter >= 0.5 * o.areaT.get(t)!) insidePredicted.set(p, (insidePredicted.get(p) ?? 0) + 1);
  }
  const several = (m: Map<number, number>) => [...m.values()].filter((v) => v >= 2).length;
  return {
    truth: o.areaT.size,
    predicted: o.areaP.size,
    matched: DSB_THRESHOLDS.map((t) => matches(o, t)),
    splits: several(insideTruth),
    merges: several(insidePredicted),
  };
}

export interface SetScores {
  images: number;
  nuclei: number;
  /** Pooled F1 at IoU 0.5: 2·TP / (2·TP + FP + FN) over every object of the set. */
  f1At05: number;
  /** TP / (TP + FP + FN) at IoU 0.5 per image, averaged. */
  ap50: number;
  /** That AP averaged over IoU 0.5, 0.55 … 0.95, per image, averaged (the DSB's score). */
  dsbScore: number;
  /** Mean over images of |predicted − true| / true count, in %. */
  countErrorPct: number;
  splits: number;
  merges: number;
}

const ap = (s: ObjectScores, k: number) => {
  const fp = s.predicted - s.matched[k]!;
  const fn = s.truth - s.matched[k]!;
  const d = s.matched[k]! + fp + fn;
  return d ? s.matched[k]! / d : 1;
};

export function summarizeScores(images: readonly ObjectScores[]): SetScores {
  const sum = (f: (s: ObjectScores) => number) => images.reduce((a, s) => a + f(s), 0);
  const mean = (f: (s: ObjectScores) => number) => (images.length ? sum(f) / images.length : 0);
  const tp = sum((s) => s.matched[0]!);
  const denominator = sum((s) => s.truth + s.predicted);
  const counted = images.filter((s) => s.truth > 0);
  const r = (v: number, digits = 4) => Number(v.toFixed(digits));
  return {
    images: images.length,
    nuclei: sum((s) => s.truth),
    f1At05: r(denominator ? (2 * tp) / denominator : 1),
    ap50: r(mean((s) => ap(s, 0))),
    dsbScore: r(mean((s) => DSB_THRESHOLDS.reduce((a, _, k) => a + ap(s, k), 0) / DSB_THRESHOLDS.length)),
    countErrorPct: r(
      counted.length
        ? (100 * counted.reduce((a, s) => a + Math.abs(s.predicted - s.truth) / s.truth, 0)) / counted.length
        : 0,
      2,
    ),
    splits: sum((s) => s.splits),
    merges: sum((s) => s.merges),
  };
}

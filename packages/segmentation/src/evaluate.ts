/** Object-level agreement of a predicted label image with ground truth (the benchmark's F1 at IoU ≥ 0.5). */
export interface Agreement {
  truth: number;
  predicted: number;
  /** Pairs with IoU ≥ threshold; IoU > 0.5 makes every match one-to-one. */
  matched: number;
  f1: number;
}

export function matchObjects(truth: ArrayLike<number>, predicted: ArrayLike<number>, threshold = 0.5): Agreement {
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
  let matched = 0;
  for (const [k, inter] of overlap) {
    const t = Math.floor(k / 2 ** 32);
    const p = k % 2 ** 32;
    if (inter / (areaT.get(t)! + areaP.get(p)! - inter) >= threshold) matched++;
  }
  const n = areaT.size + areaP.size;
  return { truth: areaT.size, predicted: areaP.size, matched, f1: n ? (2 * matched) / n : 1 };
}

/**
 * Convex area of one object as scikit-image's convex_hull_image counts it: the hull of the pixels' edge
 * midpoints (centre ± 0.5 along each axis), then the number of pixel centres inside that hull. Only the
 * leftmost and rightmost pixel of each row can be hull vertices, so the caller passes row extents
 * `[y, xmin, xmax, ...]` in increasing y.
 */
export function convexArea(rows: ArrayLike<number>, length = rows.length): number {
  // Points in doubled coordinates (integers), packed as one sortable number: y first, then x.
  const keys = new Float64Array((length / 3) * 6);
  const X_SPAN = 2 ** 20;
  let k = 0;
  for (let r = 0; r < length; r += 3) {
    const y2 = 2 * rows[r]! + 1;
    const a2 = 2 * rows[r + 1]! + 2;
    const b2 = 2 * rows[r + 2]! + 2;
    keys[k++] = (y2 - 1) * X_SPAN + a2;
    keys[k++] = (y2 - 1) * X_SPAN + b2;
    keys[k++] = y2 * X_SPAN + a2 - 1;
    keys[k++] = y2 * X_SPAN + b2 + 1;
    keys[k++] = (y2 + 1) * X_SPAN + a2;
    keys[k++] = (y2 + 1) * X_SPAN + b2;
  }
  keys.sort();
  const px = new Float64Array(keys.length);
  const py = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const y2 = Math.floor(key / X_SPAN);
    py[i] = (y2 - 1) / 2;
    px[i] = (key - y2 * X_SPAN - 2) / 2;
  }
  const hull = monotoneChain(px, py);
  const hx = hull.map((i) => px[i]!);
  const hy = hull.map((i) => py[i]!);
  const eps = 1e-9;
  let area = 0;
  const minY = rows[0]!;
  const maxY = rows[length - 3]!;
  for (let y = minY; y <= maxY; y++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < hx.length; i++) {
      const j = i + 1 === hx.length ? 0 : i + 1;
      const x1 = hx[i]!;
      const y1 = hy[i]!;
      const x2 = hx[j]!;
      const y2 = hy[j]!;
      if (y < Math.min(y1, y2) - eps || y > Math.max(y1, y2) + eps) continue;
      if (Math.abs(y2 - y1) < eps) {
        lo = Math.min(lo, x1, x2);
        hi = Math.max(hi, x1, x2);
      } else {
        const x = x1 + ((y - y1) * (x2 - x1)) / (y2 - y1);
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    if (hi >= lo) area += Math.floor(hi + eps) - Math.ceil(lo - eps) + 1;
  }
  return area;
}

/** Andrew's monotone chain over points sorted by (y, x); returns hull vertex indices, no collinear points. */
function monotoneChain(px: Float64Array, py: Float64Array): number[] {
  const n = px.length;
  if (n < 3) return Array.from({ length: n }, (_, i) => i);
  const cross = (o: number, a: number, b: number) =>
    (px[a]! - px[o]!) * (py[b]! - py[o]!) - (py[a]! - py[o]!) * (px[b]! - px[o]!);
  const lower: number[] = [];
  for (let i = 0; i < n; i++) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, i) <= 0) lower.pop();
    lower.push(i);
  }
  const upper: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, i) <= 0) upper.pop();
    upper.push(i);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

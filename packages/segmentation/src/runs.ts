/**
 * Row runs: a binary image as horizontal spans of foreground, [y, x0, x1] per span, in raster order.
 * Nuclei cover a fifth of a typical field, so per-object work done on runs (and in each object's bounding
 * box) instead of on every pixel is where the segmenter's speed comes from.
 */
export interface Runs {
  count: number;
  y: Int32Array;
  x0: Int32Array;
  /** Inclusive end. */
  x1: Int32Array;
}

/**
 * Spans of pixels whose value is above `threshold` (default 0: the non-zero pixels of a mask), or with `above`
 * false, of those that are not (the background of a label image).
 */
export function findRuns(image: ArrayLike<number>, width: number, height: number, threshold = 0, above = true): Runs {
  let cap = 1024;
  let y: Int32Array = new Int32Array(cap);
  let x0: Int32Array = new Int32Array(cap);
  let x1: Int32Array = new Int32Array(cap);
  let count = 0;
  for (let row = 0; row < height; row++) {
    const base = row * width;
    let x = 0;
    while (x < width) {
      if (image[base + x]! > threshold !== above) {
        x++;
        continue;
      }
      const start = x;
      while (x < width && image[base + x]! > threshold === above) x++;
      if (count === cap) {
        cap *= 2;
        y = grown(y, cap);
        x0 = grown(x0, cap);
        x1 = grown(x1, cap);
      }
      y[count] = row;
      x0[count] = start;
      x1[count] = x - 1;
      count++;
    }
  }
  return { count, y, x0, x1 };
}

/** A copy of `a` in a larger array of `cap` elements. */
export function grown(a: Int32Array, cap: number): Int32Array {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** Connected components of runs (8- or 4-connectivity): component id per run, 0..count-1 in raster order. */
export function connectRuns(runs: Runs, connectivity: 4 | 8 = 8): { component: Int32Array; count: number } {
  // A run touches the previous row's runs that overlap it, widened by one pixel each way for diagonal contact.
  const reach = connectivity === 8 ? 1 : 0;
  const parent = new Int32Array(runs.count);
  for (let i = 0; i < runs.count; i++) parent[i] = i;
  // Runs of the previous row start at prevStart; walk both rows' runs in x order.
  let prevStart = 0;
  let prevEnd = 0;
  for (let i = 0; i < runs.count; ) {
    const row = runs.y[i]!;
    let end = i;
    while (end < runs.count && runs.y[end] === row) end++;
    if (prevEnd > prevStart && runs.y[prevStart] === row - 1) {
      let j = prevStart;
      for (let k = i; k < end; k++) {
        const a = runs.x0[k]! - reach;
        const b = runs.x1[k]! + reach;
        while (j < prevEnd && runs.x1[j]! < a) j++;
        for (let m = j; m < prevEnd && runs.x0[m]! <= b; m++) union(parent, k, m);
      }
    }
    prevStart = i;
    prevEnd = end;
    i = end;
  }
  const component = new Int32Array(runs.count);
  const id = new Int32Array(runs.count).fill(-1);
  let count = 0;
  for (let i = 0; i < runs.count; i++) {
    const r = root(parent, i);
    if (id[r] === -1) id[r] = count++;
    component[i] = id[r]!;
  }
  return { component, count };
}

function root(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]!]!;
    i = parent[i]!;
  }
  return i;
}

function union(parent: Int32Array, a: number, b: number): void {
  const ra = root(parent, a);
  const rb = root(parent, b);
  if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
}

/**
 * Connected components of runs (connectRuns) with their bounding boxes; component c's runs are
 * byComponent[first[c]..first[c+1]).
 */
export interface RunComponents {
  count: number;
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
  first: Int32Array;
  byComponent: Int32Array;
}

export function runComponents(runs: Runs, width: number, height: number, connectivity: 4 | 8 = 8): RunComponents {
  const { component, count } = connectRuns(runs, connectivity);
  const minX = new Int32Array(count).fill(width);
  const maxX = new Int32Array(count).fill(-1);
  const minY = new Int32Array(count).fill(height);
  const maxY = new Int32Array(count).fill(-1);
  const first = new Int32Array(count + 1);
  for (let r = 0; r < runs.count; r++) {
    const c = component[r]!;
    if (runs.x0[r]! < minX[c]!) minX[c] = runs.x0[r]!;
    if (runs.x1[r]! > maxX[c]!) maxX[c] = runs.x1[r]!;
    if (runs.y[r]! < minY[c]!) minY[c] = runs.y[r]!;
    if (runs.y[r]! > maxY[c]!) maxY[c] = runs.y[r]!;
    first[c + 1]!++;
  }
  for (let c = 0; c < count; c++) first[c + 1]! += first[c]!;
  const byComponent = new Int32Array(runs.count);
  const fill = first.slice(0, count);
  for (let r = 0; r < runs.count; r++) byComponent[fill[component[r]!]!++] = r;
  return { count, minX, maxX, minY, maxY, first, byComponent };
}

/** Component c's bounding box plus a one-pixel margin, clipped to the image: origin and size. */
export function marginBox(c: RunComponents, k: number, width: number, height: number) {
  const x0 = Math.max(0, c.minX[k]! - 1);
  const y0 = Math.max(0, c.minY[k]! - 1);
  return { x0, y0, w: Math.min(width - 1, c.maxX[k]! + 1) - x0 + 1, h: Math.min(height - 1, c.maxY[k]! + 1) - y0 + 1 };
}

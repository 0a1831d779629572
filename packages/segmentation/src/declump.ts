import { scratch } from './scratch.js';
/**
 * Splits touching objects: a watershed of the inverted distance map in which a basin only stays separate
 * when its peak rises at least `minDynamic` above the saddle where it meets a higher basin (the "dynamics"
 * criterion). Bumps on an irregular outline have a dynamic below a pixel or two and merge back; two round
 * nuclei touching at a neck keep their own basins. Pixels are flooded level by level from the highest
 * distance (counting sort, 1/8 px levels), breadth-first within a level so no basin leaks along a row, and
 * join the basin of their highest neighbour. Union-find keeps it O(N).
 *
 * Returns labels 1..count (0 = background) in no particular order; 8-connectivity. The labels are a scratch
 * view (see scratch.ts): read them before the next call on this thread.
 */
export function declump(
  mask: Uint8Array,
  distance: Float32Array,
  width: number,
  height: number,
  minDynamic: number,
): { labels: Int32Array; count: number } {
  const n = width * height;
  const level = scratch.int32('declump.level', n);
  let maxLevel = 0;
  let fg = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    fg++;
    const l = Math.round(distance[i]! * 8);
    level[i] = l;
    if (l > maxLevel) maxLevel = l;
  }
  const start = scratch.int32('declump.start', maxLevel + 2);
  for (let i = 0; i < n; i++) if (mask[i]) start[maxLevel - level[i]! + 1]!++;
  for (let l = 1; l <= maxLevel + 1; l++) start[l]! += start[l - 1]!;
  const order = scratch.int32('declump.order', fg);
  for (let i = 0; i < n; i++) if (mask[i]) order[start[maxLevel - level[i]!]!++] = i;

  // parent: -1 = not flooded yet. state: 1 = in the current level, 2 = queued, 3 = next to a flooded pixel.
  const parent = scratch.int32('declump.parent', n, -1);
  const peak = scratch.float32('declump.peak', n);
  const state = scratch.uint8('declump.state', n);
  const queue = scratch.int32('declump.queue', fg);
  const flood: Flood = { parent, peak, distance, width, height, minDynamic };

  let k = 0;
  while (k < fg) {
    const lvl = level[order[k]!]!;
    let end = k;
    let head = 0;
    let tail = 0;
    for (; end < fg && level[order[end]!] === lvl; end++) {
      const p = order[end]!;
      // Pixels next to an existing basin start the breadth-first flood of this level.
      if (state[p] === 3) {
        state[p] = 2;
        queue[tail++] = p;
      } else state[p] = 1;
    }
    for (let j = k; ; j++) {
      while (head < tail) {
        const p = queue[head++]!;
        assign(flood, p);
        tail = visitNeighbours(flood, state, queue, tail, p);
      }
      // Pixels of this level not reached from an existing basin: a new peak (plateau), flooded from here.
      while (j < end && state[order[j]!] !== 1) j++;
      if (j >= end) break;
      state[order[j]!] = 2;
      queue[tail++] = order[j]!;
    }
    k = end;
  }

  const labels = scratch.int32('declump.labels', n);
  const ids = scratch.int32('declump.ids', n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (parent[i] === -1) continue;
    const r = find(parent, i);
    if (ids[r] === 0) ids[r] = ++count;
    labels[i] = ids[r]!;
  }
  return { labels, count };
}

interface Flood {
  parent: Int32Array;
  peak: Float32Array;
  distance: Float32Array;
  width: number;
  height: number;
  minDynamic: number;
}

const DX = [-1, 0, 1, -1, 1, -1, 0, 1];
const DY = [-1, -1, -1, 0, 0, 1, 1, 1];

/** Whether p's k-th 8-neighbour lies inside the image (p at column x, row y). */
function inside(x: number, y: number, k: number, width: number, height: number): boolean {
  const nx = x + DX[k]!;
  const ny = y + DY[k]!;
  return nx >= 0 && nx < width && ny >= 0 && ny < height;
}

/** Joins p to the basin of its highest flooded neighbour, merging basins whose dynamic is too small. */
function assign(f: Flood, p: number): void {
  const { parent, peak, distance, width, height, minDynamic } = f;
  const here = distance[p]!;
  const x = p % width;
  const y = (p - x) / width;
  const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
  let root = -1;
  let best = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < 8; k++) {
    if (edge && !inside(x, y, k, width, height)) continue;
    const q = p + DY[k]! * width + DX[k]!;
    if (parent[q] === -1) continue;
    const r = find(parent, q);
    const dq = distance[q]!;
    if (root === -1) {
      root = r;
      best = dq;
      continue;
    }
    if (r !== root) {
      const hi = peak[r]! > peak[root]! ? r : root;
      const lo = hi === r ? root : r;
      if (peak[lo]! - here < minDynamic) {
        parent[lo] = hi;
        root = hi;
        if (dq > best) best = dq;
        continue;
      }
    }
    if (dq > best) {
      best = dq;
      root = r;
    }
  }
  if (root === -1) {
    parent[p] = p;
    peak[p] = here;
  } else parent[p] = root;
}

/** Queues p's unvisited neighbours of the current level; marks lower ones as next to a basin. */
function visitNeighbours(f: Flood, state: Uint8Array, queue: Int32Array, tail: number, p: number): number {
  const { width, height } = f;
  const x = p % width;
  const y = (p - x) / width;
  const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1;
  for (let k = 0; k < 8; k++) {
    if (edge && !inside(x, y, k, width, height)) continue;
    const q = p + DY[k]! * width + DX[k]!;
    if (f.parent[q] !== -1) continue;
    if (state[q] === 1) {
      state[q] = 2;
      queue[tail++] = q;
    } else if (state[q] === 0) state[q] = 3;
  }
  return tail;
}

function find(parent: Int32Array, i: number): number {
  let r = i;
  while (parent[r] !== r) r = parent[r]!;
  while (parent[i] !== r) {
    const next = parent[i]!;
    parent[i] = r;
    i = next;
  }
  return r;
}

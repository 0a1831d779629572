import { scratch } from './scratch.js';
/**
 * Binary-image operations on row-major masks (1 = foreground). Plain typed-array loops: these run on every
 * pixel of every image, so they avoid allocation per pixel and work in O(N).
 */

/** Fills background regions not connected (4-connectivity) to the image border whose area is ≤ maxHoleArea. */
export function fillHoles(mask: Uint8Array, width: number, height: number, maxHoleArea: number): void {
  const n = width * height;
  // 0 = unvisited background, 1 = foreground, 2 = visited background
  const state = scratch.uint8('fillHoles.state', n);
  state.set(mask);
  const queue = scratch.int32('fillHoles.queue', n);
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const x = i % width;
    if (state[i] !== 0 || (x !== 0 && x !== width - 1 && i >= width && i < n - width)) continue;
    state[i] = 2;
    queue[tail++] = i;
  }
  tail = flood(state, queue, 0, tail, width, n);
  for (let i = 0; i < n; i++) {
    if (state[i] !== 0) continue;
    const start = tail;
    state[i] = 2;
    queue[tail++] = i;
    tail = flood(state, queue, start, tail, width, n);
    if (tail - start <= maxHoleArea) for (let k = start; k < tail; k++) mask[queue[k]!] = 1;
  }
}

/** Breadth-first flood over unvisited background (state 0) from queue[head, tail); returns the new tail. */
function flood(state: Uint8Array, queue: Int32Array, head: number, tail: number, width: number, n: number): number {
  while (head < tail) {
    const i = queue[head++]!;
    const x = i % width;
    if (x > 0 && state[i - 1] === 0) {
      state[i - 1] = 2;
      queue[tail++] = i - 1;
    }
    if (x < width - 1 && state[i + 1] === 0) {
      state[i + 1] = 2;
      queue[tail++] = i + 1;
    }
    if (i >= width && state[i - width] === 0) {
      state[i - width] = 2;
      queue[tail++] = i - width;
    }
    if (i < n - width && state[i + width] === 0) {
      state[i + width] = 2;
      queue[tail++] = i + width;
    }
  }
  return tail;
}

/**
 * Euclidean distance of every foreground pixel to the nearest background pixel (Meijster et al. 2000,
 * exact, separable). Like scipy's distance_transform_edt, the outside of the image is not background.
 * The result is a scratch view (see scratch.ts): read it before the next call on this thread.
 */
export function distanceTransform(mask: Uint8Array, width: number, height: number): Float32Array {
  const inf = width + height;
  // Vertical distance to background, by rows (cache-friendly): down, then up.
  const g = scratch.int32('edt.g', width * height);
  for (let x = 0; x < width; x++) g[x] = mask[x] ? inf : 0;
  for (let y = 1; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const above = g[row - width + x]!;
      g[row + x] = mask[row + x] ? (above === inf ? inf : above + 1) : 0;
    }
  }
  for (let y = height - 2; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const below = g[row + width + x]!;
      if (below + 1 < g[row + x]!) g[row + x] = below + 1;
    }
  }
  const out = scratch.float32('edt.out', width * height);
  const s = scratch.int32('edt.s', width);
  const t = scratch.int32('edt.t', width);
  const f = scratch.float64('edt.f', width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let any = false;
    for (let x = 0; x < width; x++) {
      const v = g[row + x]!;
      f[x] = v >= inf ? Number.POSITIVE_INFINITY : v * v;
      if (mask[row + x]) any = true;
    }
    if (!any) continue;
    // Lower envelope of the parabolas f(i) + (x - i)^2.
    let q = 0;
    s[0] = 0;
    t[0] = 0;
    for (let u = 1; u < width; u++) {
      const fu = f[u]!;
      while (q >= 0) {
        const tq = t[q]!;
        const sq = s[q]!;
        if ((tq - sq) * (tq - sq) + f[sq]! <= (tq - u) * (tq - u) + fu) break;
        q--;
      }
      if (q < 0) {
        q = 0;
        s[0] = u;
      } else if (fu !== Number.POSITIVE_INFINITY) {
        const sq = s[q]!;
        const w = 1 + Math.floor((u * u - sq * sq + fu - f[sq]!) / (2 * (u - sq)));
        if (w < width) {
          q++;
          s[q] = u;
          t[q] = w;
        }
      }
    }
    for (let x = width - 1; x >= 0; x--) {
      if (mask[row + x]) {
        const sq = s[q]!;
        out[row + x] = Math.sqrt((x - sq) * (x - sq) + f[sq]!);
      }
      if (x === t[q]) q--;
    }
  }
  return out;
}

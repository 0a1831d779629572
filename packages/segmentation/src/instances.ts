import { declump } from './declump.js';
import { distanceTransform } from './morphology.js';
import { findRuns, grown, marginBox, runComponents } from './runs.js';
import { scratch } from './scratch.js';

/**
 * Nuclei from a network's background / interior / boundary probabilities. Every connected region of confident
 * interior (4-connected: a diagonal touch does not join two nuclei) seeds one nucleus; the seeds grow over the
 * foreground (interior + boundary above one half) in order of interior probability, so two touching nuclei meet
 * on the boundary the network drew between them. What separates nuclei is the network's own boundary, not a
 * distance or size constant; the only sizes are fractions of the typical nucleus area (π d² / 4).
 */
export interface InstanceOptions {
  /** Typical nucleus diameter at this resolution (px). */
  diameter: number;
  /** Objects (and seeds) smaller than this fraction of the typical nucleus area are dropped. */
  minAreaFraction: number;
  /** Objects larger than this many typical nucleus areas are dropped (debris, unresolvable clumps). */
  maxAreaFraction: number;
  /** Holes up to this fraction of the typical nucleus area, enclosed by one object, are filled. */
  maxHoleFraction: number;
  /** Remove objects touching the image border. */
  clearBorder: boolean;
  /** Interior probability a seed pixel needs (higher: smaller cores, so touching nuclei are seeded apart). */
  seedProbability: number;
  /**
   * A seed whose core narrows to a neck is split where its distance map's peaks rise this fraction of the diameter
   * above the saddle between them (0: never) — two nuclei the network drew as one interior region.
   */
  seedDynamicFraction: number;
}

/** A seed's pixels while it is found too small to seed (foreground, not to be visited again in that search). */
const SPECK = -2;
/** Foreground is interior + boundary above this. */
export const FOREGROUND_PROBABILITY = 0.5;
/** Priority levels of the flooding (interior probability quantised). */
const LEVELS = 256;
/** A pixel's class code (classCode): its flooding level in the low 8 bits, then these flags. */
const SEED_BIT = 1 << 8;
const FOREGROUND_BIT = 1 << 9;

/**
 * All the flooding reads of a pixel's interior and boundary probabilities, in 16 bits: its priority level, whether
 * it is confident interior (a seed pixel), whether it is foreground. A Uint16 plane of these costs an eighth of the
 * two float planes it replaces.
 */
export function classCode(interior: number, boundary: number, seedProbability: number): number {
  const level = Math.min(LEVELS - 1, Math.max(0, Math.floor((1 - interior) * LEVELS)));
  return (
    level |
    (interior > seedProbability ? SEED_BIT : 0) |
    (interior + boundary > FOREGROUND_PROBABILITY ? FOREGROUND_BIT : 0)
  );
}

/**
 * Labels `label` the 4-connected region of unlabelled (−1) pixels whose codes have all of `bits`, from `start`,
 * breadth-first in `queue`; returns its size (its pixels are queue[0, size)).
 */
function floodRegion(
  labels: Int32Array,
  codes: Uint16Array,
  width: number,
  queue: Int32Array,
  start: number,
  label: number,
  bits: number,
): number {
  const n = labels.length;
  labels[start] = label;
  queue[0] = start;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const x = p % width;
    if (x > 0 && labels[p - 1] === -1 && (codes[p - 1]! & bits) === bits) {
      labels[p - 1] = label;
      queue[tail++] = p - 1;
    }
    if (x < width - 1 && labels[p + 1] === -1 && (codes[p + 1]! & bits) === bits) {
      labels[p + 1] = label;
      queue[tail++] = p + 1;
    }
    if (p >= width && labels[p - width] === -1 && (codes[p - width]! & bits) === bits) {
      labels[p - width] = label;
      queue[tail++] = p - width;
    }
    if (p < n - width && labels[p + width] === -1 && (codes[p + width]! & bits) === bits) {
      labels[p + width] = label;
      queue[tail++] = p + width;
    }
  }
  return tail;
}

/** A seed piece split off below minArea, until every group is done: still a seed pixel (> 0) to later groups' masks. */
const DROPPED = 0x7fffffff;

/**
 * Re-seeds by the dynamics of the seeds' distance map (declump); seeds under minArea become unseeded foreground.
 * Each 8-connected group of seeds is split alone in its bounding box plus a one-pixel margin, so no scratch array
 * has the image's size. The distances are the whole image's: along its row, a group pixel meets background within
 * the margin, so its nearest background pixel lies in the box, and other seeds in the box stay foreground; the
 * flooding never crosses from one group to another. Only the partition matters downstream (labels are numbered
 * in raster order at the end), not the order seeds are numbered in here.
 */
function splitSeeds(labels: Int32Array, width: number, height: number, opts: InstanceOptions, minArea: number): number {
  const runs = findRuns(labels, width, height);
  const groups = runComponents(runs, width, height);
  const minDynamic = opts.seedDynamicFraction * opts.diameter;
  let seeds = 0;
  for (let c = 0; c < groups.count; c++) {
    const { x0, y0, w, h } = marginBox(groups, c, width, height);
    const seedMask = scratch.uint8('instances.seedMask', w * h);
    for (let y = 0; y < h; y++) {
      const src = (y0 + y) * width + x0;
      for (let x = 0; x < w; x++) seedMask[y * w + x] = labels[src + x]! > 0 ? 1 : 0;
    }
    const group = scratch.uint8('instances.group', w * h);
    const from = groups.first[c]!;
    const to = groups.first[c + 1]!;
    for (let k = from; k < to; k++) {
      const r = groups.byComponent[k]!;
      const row = (runs.y[r]! - y0) * w - x0;
      group.fill(1, row + runs.x0[r]!, row + runs.x1[r]! + 1);
    }
    const split = declump(group, distanceTransform(seedMask, w, h), w, h, minDynamic);
    const area = new Int32Array(split.count + 1);
    for (let i = 0; i < w * h; i++) if (group[i]) area[split.labels[i]!]!++;
    const id = new Int32Array(split.count + 1);
    for (let k = 1; k <= split.count; k++) id[k] = area[k]! >= minArea ? ++seeds : DROPPED;
    for (let k = from; k < to; k++) {
      const r = groups.byComponent[k]!;
      const row = (runs.y[r]! - y0) * w - x0;
      const dst = runs.y[r]! * width;
      for (let x = runs.x0[r]!; x <= runs.x1[r]!; x++) labels[dst + x] = id[split.labels[row + x]!]!;
    }
  }
  for (let r = 0; r < runs.count; r++) {
    const row = runs.y[r]! * width;
    for (let i = row + runs.x0[r]!; i <= row + runs.x1[r]!; i++) if (labels[i] === DROPPED) labels[i] = -1;
  }
  return seeds;
}

export function nucleusArea(diameter: number): number {
  return (Math.PI * diameter * diameter) / 4;
}

export function instancesFromClasses(
  interior: Float32Array,
  boundary: Float32Array,
  width: number,
  height: number,
  opts: InstanceOptions,
): { labels: Int32Array; count: number } {
  const codes = new Uint16Array(width * height);
  for (let i = 0; i < codes.length; i++) codes[i] = classCode(interior[i]!, boundary[i]!, opts.seedProbability);
  return instancesFromCodes(codes, width, height, opts);
}

/** instancesFromClasses on the planes' class codes (classCode, with opts.seedProbability). */
export function instancesFromCodes(
  codes: Uint16Array,
  width: number,
  height: number,
  opts: InstanceOptions,
): { labels: Int32Array; count: number } {
  const n = width * height;
  const area = nucleusArea(opts.diameter);
  const minArea = Math.max(1, opts.minAreaFraction * area);
  // 0 = background, -1 = foreground not yet reached, k > 0 = nucleus k.
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) if (codes[i]! & FOREGROUND_BIT) labels[i] = -1;

  // Seeds: 4-connected regions of confident interior, labelled as found (SPECK while too small, below).
  // One image-sized buffer serves as the breadth-first queue here and after the flooding, and as the flooding's
  // links in between: never two of these at once.
  const queue = scratch.int32('instances.queue', n);
  let seeds = 0;
  let specks: Int32Array = new Int32Array(256);
  let speckPixels = 0;
  for (let i = 0; i < n; i++) {
    if (labels[i] !== -1 || !(codes[i]! & SEED_BIT)) continue;
    const tail = floodRegion(labels, codes, width, queue, i, ++seeds, SEED_BIT);
    // A seed too small to be a nucleus' core (a speck of noise) seeds nothing; its pixels are flooded as usual.
    if (tail < minArea) {
      if (speckPixels + tail > specks.length) specks = grown(specks, 2 * (speckPixels + tail));
      for (let k = 0; k < tail; k++) {
        specks[speckPixels++] = queue[k]!;
        labels[queue[k]!] = SPECK;
      }
      seeds--;
    }
  }
  for (let k = 0; k < speckPixels; k++) labels[specks[k]!] = -1;

  if (opts.seedDynamicFraction > 0 && seeds > 0) seeds = splitSeeds(labels, width, height, opts, minArea);

  // Flooding from the seeds: bucket queue on 1 − interior, each pixel labelled when first reached.
  const next = scratch.int32('instances.queue', n, -1);
  const first = new Int32Array(LEVELS).fill(-1);
  const last = new Int32Array(LEVELS).fill(-1);
  const push = (p: number, label: number) => {
    labels[p] = label;
    const level = codes[p]! & (LEVELS - 1);
    next[p] = -1;
    if (last[level] === -1) first[level] = p;
    else next[last[level]!] = p;
    last[level] = p;
  };
  const visit = (p: number) => {
    const x = p % width;
    const label = labels[p]!;
    if (x > 0 && labels[p - 1] === -1) push(p - 1, label);
    if (x < width - 1 && labels[p + 1] === -1) push(p + 1, label);
    if (p >= width && labels[p - width] === -1) push(p - width, label);
    if (p < n - width && labels[p + width] === -1) push(p + width, label);
  };
  for (let i = 0; i < n; i++) if (labels[i]! > 0) visit(i);
  for (let level = 0; level < LEVELS; level++) {
    while (first[level] !== -1) {
      const p = first[level]!;
      first[level] = next[p]!;
      if (first[level] === -1) last[level] = -1;
      visit(p);
    }
  }

  // Foreground no seed reached (a nucleus drawn all boundary, e.g. a small one): one object per region.
  let count = seeds;
  for (let i = 0; i < n; i++) if (labels[i] === -1) floodRegion(labels, codes, width, queue, i, ++count, 0);
  fillEnclosedHoles(labels, width, height, opts.maxHoleFraction * area);
  return keepAndRenumber(labels, count, width, minArea, opts.maxAreaFraction * area, opts.clearBorder);
}

/**
 * Background regions (4-connected) up to maxArea that touch one object only and not the border join it. Found as
 * row runs of background: the one region that reaches the border, most of the image, costs a scan, not a flood.
 */
function fillEnclosedHoles(labels: Int32Array, width: number, height: number, maxArea: number): void {
  const gaps = findRuns(labels, width, height, 0, false);
  const regions = runComponents(gaps, width, height, 4);
  const { minX, maxX, minY, maxY, first, byComponent } = regions;
  for (let c = 0; c < regions.count; c++) {
    if (minX[c] === 0 || minY[c] === 0 || maxX[c] === width - 1 || maxY[c] === height - 1) continue;
    let area = 0;
    for (let k = first[c]!; k < first[c + 1]!; k++) area += gaps.x1[byComponent[k]!]! - gaps.x0[byComponent[k]!]! + 1;
    if (area > maxArea) continue;
    // Off the border, every run has a pixel on each side and rows above and below; their labels are the
    // region's neighbours (background ones belong to the region itself).
    let owner = 0;
    for (let k = first[c]!; k < first[c + 1]! && owner >= 0; k++) {
      const r = byComponent[k]!;
      const row = gaps.y[r]! * width;
      owner = sameOwner(owner, labels[row + gaps.x0[r]! - 1]!);
      owner = sameOwner(owner, labels[row + gaps.x1[r]! + 1]!);
      for (let i = row + gaps.x0[r]!, end = row + gaps.x1[r]!; i <= end && owner >= 0; i++) {
        owner = sameOwner(owner, labels[i - width]!);
        owner = sameOwner(owner, labels[i + width]!);
      }
    }
    if (owner <= 0) continue;
    for (let k = first[c]!; k < first[c + 1]!; k++) {
      const r = byComponent[k]!;
      const row = gaps.y[r]! * width;
      labels.fill(owner, row + gaps.x0[r]!, row + gaps.x1[r]! + 1);
    }
  }
}

/** The one object a region touches so far (0: none yet), given a neighbour's label; −1 once it touches two. */
function sameOwner(owner: number, label: number): number {
  if (label === 0 || owner < 0) return owner;
  if (owner === 0) return label;
  return owner === label ? owner : -1;
}

/** Drops objects outside [minArea, maxArea] (and on the border, if asked); numbers the rest 1..count in raster order. */
function keepAndRenumber(
  labels: Int32Array,
  count: number,
  width: number,
  minArea: number,
  maxArea: number,
  clearBorder: boolean,
): { labels: Int32Array; count: number } {
  const areas = new Int32Array(count + 1);
  const border = new Uint8Array(count + 1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l <= 0) continue;
    areas[l]!++;
    const x = i % width;
    if (x === 0 || x === width - 1 || i < width || i >= labels.length - width) border[l] = 1;
  }
  const id = new Int32Array(count + 1).fill(-1);
  let kept = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l <= 0) {
      labels[i] = 0;
      continue;
    }
    if (id[l] === -1) {
      const ok = areas[l]! >= minArea && areas[l]! <= maxArea && !(clearBorder && border[l]);
      id[l] = ok ? ++kept : 0;
    }
    labels[i] = id[l]!;
  }
  return { labels, count: kept };
}

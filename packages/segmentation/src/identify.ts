import { declump } from './declump.js';
import { distanceTransform, fillHoles } from './morphology.js';
import { findRuns, marginBox, runComponents } from './runs.js';
import { scratch } from './scratch.js';

export interface IdentifyOptions {
  minArea: number;
  maxArea: number;
  maxHoleArea: number;
  clearBorder: boolean;
  minDynamic: number;
}

/**
 * IdentifyPrimaryObjects after thresholding (foreground = `map` above `threshold`; a 0/1 mask with threshold 0
 * works too): every connected foreground component is processed alone in its
 * bounding box (plus a one-pixel margin) — holes filled, distance map, declumping, size and border filters —
 * so the cost follows the foreground, not the field. Labels are 1..count in raster order of the components.
 */
export function identifyObjects(
  map: ArrayLike<number>,
  width: number,
  height: number,
  threshold: number,
  opts: IdentifyOptions,
): { labels: Int32Array; count: number } {
  const runs = findRuns(map, width, height, threshold);
  const comps = runComponents(runs, width, height);
  const { minX, maxX, minY, maxY, first, byComponent } = comps;

  const labels = new Int32Array(width * height);
  let next = 0;
  for (let c = 0; c < comps.count; c++) {
    const { x0, y0, w: lw, h: lh } = marginBox(comps, c, width, height);
    // Even with its holes filled a component cannot outgrow its box.
    if ((maxX[c]! - minX[c]! + 1) * (maxY[c]! - minY[c]! + 1) < opts.minArea) continue;
    const local = scratch.uint8('identify.local', lw * lh);
    for (let k = first[c]!; k < first[c + 1]!; k++) {
      const r = byComponent[k]!;
      const row = (runs.y[r]! - y0) * lw - x0;
      local.fill(1, row + runs.x0[r]!, row + runs.x1[r]! + 1);
    }
    fillHoles(local, lw, lh, opts.maxHoleArea);
    const pieces = declump(local, distanceTransform(local, lw, lh), lw, lh, opts.minDynamic);
    const area = scratch.int32('identify.area', pieces.count + 1);
    const touches = scratch.uint8('identify.touches', pieces.count + 1);
    for (let y = 0; y < lh; y++) {
      const edgeRow = y0 + y === 0 || y0 + y === height - 1;
      for (let x = 0; x < lw; x++) {
        const p = pieces.labels[y * lw + x]!;
        if (p === 0) continue;
        area[p]!++;
        if (edgeRow || x0 + x === 0 || x0 + x === width - 1) touches[p] = 1;
      }
    }
    const id = scratch.int32('identify.id', pieces.count + 1);
    for (let p = 1; p <= pieces.count; p++) {
      const keep = area[p]! >= opts.minArea && area[p]! <= opts.maxArea && !(opts.clearBorder && touches[p]);
      if (keep) id[p] = ++next;
    }
    for (let y = 0; y < lh; y++) {
      const src = y * lw;
      const dst = (y0 + y) * width + x0;
      for (let x = 0; x < lw; x++) {
        const p = pieces.labels[src + x]!;
        if (p !== 0 && id[p] !== 0) labels[dst + x] = id[p]!;
      }
    }
  }
  return { labels, count: next };
}

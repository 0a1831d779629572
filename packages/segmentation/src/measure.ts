import { convexArea } from './hull.js';
import { scratch } from './scratch.js';

/** MeasureObjectSizeShape features, CellProfiler names. */
export const SHAPE_FEATURES = [
  'AreaShape_Area',
  'AreaShape_Perimeter',
  'AreaShape_FormFactor',
  'AreaShape_Eccentricity',
  'AreaShape_Solidity',
  'AreaShape_Extent',
  'AreaShape_MajorAxisLength',
  'AreaShape_MinorAxisLength',
  'AreaShape_Orientation',
  'AreaShape_EquivalentDiameter',
  'AreaShape_Center_X',
  'AreaShape_Center_Y',
] as const;

/** MeasureObjectIntensity features; each is suffixed with `_<channel>`. */
export const INTENSITY_FEATURES = [
  'Intensity_IntegratedIntensity',
  'Intensity_MeanIntensity',
  'Intensity_StdIntensity',
  'Intensity_MaxIntensity',
] as const;

/** One column per feature, one row per object (object number = row index + 1). */
export interface ObjectTable {
  count: number;
  columns: Map<string, Float64Array>;
}

export interface ChannelImage {
  name: string;
  /** Samples; `data[i] * scale` is the intensity in [0, 1] (the format's maximum → 1, as CellProfiler scales). */
  data: Float32Array | Uint16Array | Uint8Array;
  /** Default 1 (data already in [0, 1]). */
  scale?: number;
}

// scikit-image's perimeter(): weights of the 3x3 border-pixel patterns (centre 1, edge 2, corner 10).
const PERIMETER_WEIGHTS = (() => {
  const w = new Float64Array(50);
  for (const i of [5, 7, 15, 17, 25, 27]) w[i] = 1;
  for (const i of [21, 33]) w[i] = Math.SQRT2;
  for (const i of [13, 23]) w[i] = (1 + Math.SQRT2) / 2;
  return w;
})();

/** Spans of one label within a row: the unit every measurement below iterates over. */
interface LabelRuns {
  count: number;
  label: Int32Array;
  y: Int32Array;
  x0: Int32Array;
  x1: Int32Array;
}

function labelRuns(labels: Int32Array, width: number, height: number): LabelRuns {
  let cap = 4096;
  const out: LabelRuns = {
    count: 0,
    label: new Int32Array(cap),
    y: new Int32Array(cap),
    x0: new Int32Array(cap),
    x1: new Int32Array(cap),
  };
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let x = 0;
    while (x < width) {
      const l = labels[row + x]!;
      if (l === 0) {
        x++;
        continue;
      }
      const start = x;
      while (x < width && labels[row + x] === l) x++;
      if (out.count === cap) {
        cap *= 2;
        for (const k of ['label', 'y', 'x0', 'x1'] as const) {
          const grown = new Int32Array(cap);
          grown.set(out[k]);
          out[k] = grown;
        }
      }
      out.label[out.count] = l;
      out.y[out.count] = y;
      out.x0[out.count] = start;
      out.x1[out.count] = x - 1;
      out.count++;
    }
  }
  return out;
}

/** Σ k² for k = 0..n. */
const squares = (n: number) => (n * (n + 1) * (2 * n + 1)) / 6;

/**
 * Measures every labelled object on every channel. All per-pixel work runs over the objects' row spans
 * only; the second moments of a span have a closed form.
 */
export function measureObjects(
  labels: Int32Array,
  count: number,
  width: number,
  height: number,
  channels: readonly ChannelImage[],
): ObjectTable {
  const m = count + 1;
  const runs = labelRuns(labels, width, height);
  const area = new Float64Array(m);
  const sx = new Float64Array(m);
  const sy = new Float64Array(m);
  const sxx = new Float64Array(m);
  const syy = new Float64Array(m);
  const sxy = new Float64Array(m);
  const minX = new Int32Array(m).fill(width);
  const maxX = new Int32Array(m).fill(-1);
  const minY = new Int32Array(m).fill(height);
  const maxY = new Int32Array(m).fill(-1);
  // Row extents per object ([y, xmin, xmax] per row; an object can have several spans in a row) for the hulls.
  const rowStart = new Int32Array(m + 1);
  let border = new Int32Array(4096);
  let nBorder = 0;
  let lastLabel = -1;
  let lastY = -1;
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    const y = runs.y[r]!;
    const x0 = runs.x0[r]!;
    const x1 = runs.x1[r]!;
    const n = x1 - x0 + 1;
    const sumX = (n * (x0 + x1)) / 2;
    area[l]! += n;
    sx[l]! += sumX;
    sy[l]! += n * y;
    sxx[l]! += squares(x1) - (x0 > 0 ? squares(x0 - 1) : 0);
    syy[l]! += n * y * y;
    sxy[l]! += y * sumX;
    if (x0 < minX[l]!) minX[l] = x0;
    if (x1 > maxX[l]!) maxX[l] = x1;
    if (y < minY[l]!) minY[l] = y;
    if (y > maxY[l]!) maxY[l] = y;
    if (l !== lastLabel || y !== lastY) rowStart[l + 1]! += 3;
    lastLabel = l;
    lastY = y;
    // Border pixels: a 4-neighbour outside the object (or the image).
    const row = y * width;
    for (let x = x0; x <= x1; x++) {
      const i = row + x;
      if (x === x0 || x === x1 || y === 0 || y === height - 1 || labels[i - width] !== l || labels[i + width] !== l) {
        if (nBorder === border.length) {
          const grown = new Int32Array(border.length * 2);
          grown.set(border);
          border = grown;
        }
        border[nBorder++] = i;
      }
    }
  }

  const isBorder = scratch.uint8('measure.isBorder', labels.length);
  for (let k = 0; k < nBorder; k++) isBorder[border[k]!] = 1;
  const perimeter = new Float64Array(m);
  for (let k = 0; k < nBorder; k++) {
    const i = border[k]!;
    const l = labels[i]!;
    const x = i % width;
    const y = (i - x) / width;
    let code = 1;
    for (let dy = -1; dy <= 1; dy++) {
      const yy = y + dy;
      if (yy < 0 || yy >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const xx = x + dx;
        if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
        const j = yy * width + xx;
        if (isBorder[j] && labels[j] === l) code += dx === 0 || dy === 0 ? 2 : 10;
      }
    }
    perimeter[l]! += PERIMETER_WEIGHTS[code] ?? 0;
  }

  // Row extents grouped by object, rows in increasing y (runs come in raster order).
  for (let l = 1; l <= m; l++) rowStart[l]! += rowStart[l - 1]!;
  const rows = new Int32Array(rowStart[m]!);
  const next = rowStart.slice(0, m);
  const lastRow = new Int32Array(m).fill(-1);
  for (let r = 0; r < runs.count; r++) {
    const l = runs.label[r]!;
    const y = runs.y[r]!;
    if (lastRow[l] === y) {
      rows[next[l]! - 1] = runs.x1[r]!;
      continue;
    }
    lastRow[l] = y;
    const at = next[l]!;
    rows[at] = y;
    rows[at + 1] = runs.x0[r]!;
    rows[at + 2] = runs.x1[r]!;
    next[l] = at + 3;
  }

  const columns = new Map<string, Float64Array>();
  const col = (name: string) => {
    const c = new Float64Array(count);
    columns.set(name, c);
    return c;
  };
  const [cArea, cPerim, cForm, cEcc, cSolid, cExtent, cMajor, cMinor, cOrient, cDiam, cX, cY] = SHAPE_FEATURES.map(
    col,
  ) as [Float64Array, ...Float64Array[]];
  for (let l = 1; l <= count; l++) {
    const k = l - 1;
    const a = area[l]!;
    const mx = sx[l]! / a;
    const my = sy[l]! / a;
    // Central second moments per pixel; the eigenvalues are the ellipse's squared semi-axes / 4.
    const vxx = sxx[l]! / a - mx * mx;
    const vyy = syy[l]! / a - my * my;
    const vxy = sxy[l]! / a - mx * my;
    const root = Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy * vxy);
    const l1 = Math.max(0, (vxx + vyy) / 2 + root);
    const l2 = Math.max(0, (vxx + vyy) / 2 - root);
    const p = perimeter[l]!;
    cArea![k] = a;
    cPerim![k] = p;
    cForm![k] = p > 0 ? (4 * Math.PI * a) / (p * p) : 0;
    cEcc![k] = l1 > 0 ? Math.sqrt(1 - l2 / l1) : 0;
    cSolid![k] = a / Math.max(a, convexArea(rows.subarray(rowStart[l]!, rowStart[l + 1]!)));
    cExtent![k] = a / ((maxX[l]! - minX[l]! + 1) * (maxY[l]! - minY[l]! + 1));
    cMajor![k] = 4 * Math.sqrt(l1);
    cMinor![k] = 4 * Math.sqrt(l2);
    // scikit-image's orientation (angle between the row axis and the major axis), in degrees as CellProfiler
    // reports it. (scikit-image special-cases exactly equal variances with the opposite sign; not copied.)
    cOrient![k] = (0.5 * Math.atan2(2 * vxy, vyy - vxx) * 180) / Math.PI;
    cDiam![k] = Math.sqrt((4 * a) / Math.PI);
    cX![k] = mx;
    cY![k] = my;
  }

  for (const ch of channels) {
    const sum = new Float64Array(m);
    const sumSq = new Float64Array(m);
    const max = new Float64Array(m);
    const data = ch.data;
    for (let r = 0; r < runs.count; r++) {
      const l = runs.label[r]!;
      const row = runs.y[r]! * width;
      let s = 0;
      let s2 = 0;
      let hi = max[l]!;
      for (let i = row + runs.x0[r]!, end = row + runs.x1[r]!; i <= end; i++) {
        const v = data[i]!;
        s += v;
        s2 += v * v;
        if (v > hi) hi = v;
      }
      sum[l]! += s;
      sumSq[l]! += s2;
      max[l] = hi;
    }
    const scale = ch.scale ?? 1;
    const [integrated, mean, std, maxC] = INTENSITY_FEATURES.map((f) => col(`${f}_${ch.name}`)) as Float64Array[];
    for (let l = 1; l <= count; l++) {
      const a = area[l]!;
      const mu = sum[l]! / a;
      integrated![l - 1] = sum[l]! * scale;
      mean![l - 1] = mu * scale;
      std![l - 1] = Math.sqrt(Math.max(0, sumSq[l]! / a - mu * mu)) * scale;
      maxC![l - 1] = max[l]! * scale;
    }
  }
  return { count, columns };
}

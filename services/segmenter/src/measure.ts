import { convexArea } from './hull.js';

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
  /** Intensities scaled to [0, 1] by the format's maximum (255 or 65535), as CellProfiler scales them. */
  data: Float32Array;
}

// scikit-image's perimeter(): weights of the 3x3 border-pixel patterns (centre 1, edge 2, corner 10).
const PERIMETER_WEIGHTS = (() => {
  const w = new Float64Array(50);
  for (const i of [5, 7, 15, 17, 25, 27]) w[i] = 1;
  for (const i of [21, 33]) w[i] = Math.SQRT2;
  for (const i of [13, 23]) w[i] = (1 + Math.SQRT2) / 2;
  return w;
})();

/** Measures every labelled object on every channel in two passes over the label image. */
export function measureObjects(
  labels: Int32Array,
  count: number,
  width: number,
  height: number,
  channels: readonly ChannelImage[],
): ObjectTable {
  const m = count + 1;
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
  // Row extents of every object ([label, y, xmin, xmax] per row it spans) for the convex hulls, and the
  // border pixels (a 4-neighbour outside the object) for the perimeters.
  let runs: Int32Array = new Int32Array(4 * 4096);
  let nRuns = 0;
  const lastRun = new Int32Array(m).fill(-1);
  let border: Int32Array = new Int32Array(4096);
  let nBorder = 0;

  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const l = labels[i]!;
      if (l === 0) continue;
      area[l]!++;
      sx[l]! += x;
      sy[l]! += y;
      sxx[l]! += x * x;
      syy[l]! += y * y;
      sxy[l]! += x * y;
      if (x < minX[l]!) minX[l] = x;
      if (x > maxX[l]!) maxX[l] = x;
      if (y < minY[l]!) minY[l] = y;
      maxY[l] = y;
      const r = lastRun[l]!;
      if (r >= 0 && runs[r + 1] === y) runs[r + 3] = x;
      else {
        if (nRuns + 4 > runs.length) runs = grow(runs);
        runs[nRuns] = l;
        runs[nRuns + 1] = y;
        runs[nRuns + 2] = x;
        runs[nRuns + 3] = x;
        lastRun[l] = nRuns;
        nRuns += 4;
      }
      if (
        x === 0 ||
        x === width - 1 ||
        y === 0 ||
        y === height - 1 ||
        labels[i - 1] !== l ||
        labels[i + 1] !== l ||
        labels[i - width] !== l ||
        labels[i + width] !== l
      ) {
        if (nBorder === border.length) border = grow(border);
        border[nBorder++] = i;
      }
    }
  }

  const isBorder = new Uint8Array(labels.length);
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

  // Group the row extents by object (counting sort keeps each object's rows in increasing y).
  const rowStart = new Int32Array(m + 1);
  for (let r = 0; r < nRuns; r += 4) rowStart[runs[r]! + 1]! += 3;
  for (let l = 1; l <= m; l++) rowStart[l]! += rowStart[l - 1]!;
  const rows = new Int32Array(rowStart[m]!);
  const fill = rowStart.slice(0, m);
  for (let r = 0; r < nRuns; r += 4) {
    const at = fill[runs[r]!]!;
    rows[at] = runs[r + 1]!;
    rows[at + 1] = runs[r + 2]!;
    rows[at + 2] = runs[r + 3]!;
    fill[runs[r]!] = at + 3;
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
    // scikit-image's orientation (angle between the row axis and the major axis), in degrees as CellProfiler reports it.
    cOrient![k] = vyy === vxx ? (vxy < 0 ? -45 : 45) : (0.5 * Math.atan2(2 * vxy, vyy - vxx) * 180) / Math.PI;
    cDiam![k] = Math.sqrt((4 * a) / Math.PI);
    cX![k] = mx;
    cY![k] = my;
  }

  for (const ch of channels) {
    const sum = new Float64Array(m);
    const sumSq = new Float64Array(m);
    const max = new Float64Array(m);
    const data = ch.data;
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      if (l === 0) continue;
      const v = data[i]!;
      sum[l]! += v;
      sumSq[l]! += v * v;
      if (v > max[l]!) max[l] = v;
    }
    const [integrated, mean, std, maxC] = INTENSITY_FEATURES.map((f) => col(`${f}_${ch.name}`)) as Float64Array[];
    for (let l = 1; l <= count; l++) {
      const a = area[l]!;
      const mu = sum[l]! / a;
      integrated![l - 1] = sum[l]!;
      mean![l - 1] = mu;
      std![l - 1] = Math.sqrt(Math.max(0, sumSq[l]! / a - mu * mu));
      maxC![l - 1] = max[l]!;
    }
  }
  return { count, columns };
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

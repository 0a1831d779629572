import type { ObjectTable } from './measure.js';

/** Rounds to `digits` significant digits: summaries and object rows carry no false precision. */
export function round(v: number, digits: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(digits));
}

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function mean(values: Float64Array): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export interface ImageMeasurements {
  count: number;
  meanArea: number;
  medianArea: number;
  meanIntensity: Record<string, number>;
  /** Count_<objects>, Mean_<objects>_<feature>, Median_<objects>_<feature> (CellProfiler's per-image names). */
  features: Record<string, number>;
}

/** Per-image aggregates of an object table. */
export function summarize(table: ObjectTable, objects: string, channelNames: readonly string[]): ImageMeasurements {
  const features: Record<string, number> = { [`Count_${objects}`]: table.count };
  for (const [name, values] of table.columns) {
    features[`Mean_${objects}_${name}`] = round(mean(values), 4);
    features[`Median_${objects}_${name}`] = round(median(values), 4);
  }
  const area = table.columns.get('AreaShape_Area')!;
  const meanIntensity: Record<string, number> = {};
  for (const ch of channelNames) {
    meanIntensity[ch] = round(mean(table.columns.get(`Intensity_MeanIntensity_${ch}`)!), 4);
  }
  return {
    count: table.count,
    meanArea: round(mean(area), 4),
    medianArea: round(median(area), 4),
    meanIntensity,
    features,
  };
}

/** The object table as JSON Lines: one object per line, ObjectNumber first, values to 6 significant digits. */
export function objectsToJsonl(table: ObjectTable): string {
  // Written as JSON.stringify writes a row object ({ ObjectNumber, ...columns }, no integer-like names), without
  // building one per object: the keys are quoted once.
  const keys = [...table.columns.keys()].map((n) => `,${JSON.stringify(n)}:`);
  const cols = [...table.columns.values()];
  let out = '';
  for (let k = 0; k < table.count; k++) {
    let line = `{"ObjectNumber":${k + 1}`;
    for (let j = 0; j < cols.length; j++) {
      const v = round(cols[j]![k]!, 6);
      line += keys[j]! + (Number.isFinite(v) ? String(v) : 'null');
    }
    out += `${line}}\n`;
  }
  return out;
}

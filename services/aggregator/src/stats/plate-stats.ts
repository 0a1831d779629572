import { mad, mean, median, sampleSd } from './descriptive.js';
import { recordOf } from './records.js';
import { WellMeansTable } from './well-means.js';
import type { WellMeans, WellSummary } from './wells.js';

/** MAD → σ for normally distributed data. */
export const MAD_SCALE = 1.4826;

/** Groups wells by a key, in order (a push per well: 145 plates × 384 wells must not copy a group per well). */
function groupBy<W>(wells: W[], keyOf: (w: W) => string | undefined): Map<string, W[]> {
  const groups = new Map<string, W[]>();
  for (const w of wells) {
    const key = keyOf(w);
    if (key === undefined) continue;
    const group = groups.get(key);
    if (group) group.push(w);
    else groups.set(key, [w]);
  }
  return groups;
}

const byPlate = (wells: WellSummary[]) => groupBy(wells, (w) => w.plate);

/** Indices of the table's wells that `keep` selects. */
const indicesOf = (table: WellMeansTable, keep: (i: number) => boolean = () => true) =>
  Array.from({ length: table.size }, (_, i) => i).filter(keep);

/** The wells' means of `feature`, in order, leaving out the wells without one. */
const valuesOf = (table: WellMeansTable, indices: number[], feature: string) =>
  indices.flatMap((i) => {
    const value = table.value(i, feature);
    return value === undefined ? [] : [value];
  });

const withRole = (table: WellMeansTable, role: WellSummary['role']) =>
  indicesOf(table, (i) => table.condition(i).role === role);

/**
 * Robust z-score of every well and feature against its plate's negative controls:
 * (x − median) / (1.4826 · MAD). Plates without negative controls, or with MAD 0, get none.
 */
export function addRobustZ(wells: WellSummary[]): void {
  for (const plateWells of byPlate(wells).values()) {
    const table = WellMeansTable.of(plateWells);
    const negatives = withRole(table, 'negative_control');
    const scales: { feature: string; center: number; spread: number }[] = [];
    for (const feature of table.featureNames(indicesOf(table))) {
      const values = valuesOf(table, negatives, feature);
      const center = median(values);
      const spread = mad(values);
      if (center !== null && spread !== null && spread !== 0) scales.push({ feature, center, spread });
    }
    for (const w of plateWells) {
      const scaled = scales.filter((s) => w.features[s.feature] !== undefined);
      w.robustZ = recordOf(scaled.map((s) => s.feature));
      for (const { feature, center, spread } of scaled) {
        w.robustZ[feature] = (w.features[feature]! - center) / (MAD_SCALE * spread);
      }
    }
  }
}

export interface PlateQc {
  plate: string;
  feature: string;
  nNegative: number;
  meanNegative: number | null;
  sdNegative: number | null;
  nPositive: number;
  meanPositive: number | null;
  sdPositive: number | null;
  zPrime: number | null;
}

/** Z′ = 1 − 3(σp + σn) / |μp − μn| (σ the sample SD), per plate and feature, from the control wells. */
export function zPrime(positive: readonly number[], negative: readonly number[]): number | null {
  const sp = sampleSd(positive);
  const sn = sampleSd(negative);
  const mp = mean(positive);
  const mn = mean(negative);
  if (sp === null || sn === null || mp === null || mn === null || mp === mn) return null;
  return 1 - (3 * (sp + sn)) / Math.abs(mp - mn);
}

export function plateQc(wells: WellSummary[]): PlateQc[] {
  const rows: PlateQc[] = [];
  for (const [plate, plateWells] of byPlate(wells)) {
    const table = WellMeansTable.of(plateWells);
    const negatives = withRole(table, 'negative_control');
    const positives = withRole(table, 'positive_control');
    for (const feature of table.featureNames(indicesOf(table))) {
      const n = valuesOf(table, negatives, feature);
      const p = valuesOf(table, positives, feature);
      rows.push({
        plate,
        feature,
        nNegative: n.length,
        meanNegative: mean(n),
        sdNegative: sampleSd(n),
        nPositive: p.length,
        meanPositive: mean(p),
        sdPositive: sampleSd(p),
        zPrime: zPrime(p, n),
      });
    }
  }
  return rows;
}

export interface ConditionStats {
  treatment: string;
  dose: number;
  unit: string;
  role: NonNullable<WellSummary['role']>;
  feature: string;
  n: number;
  mean: number;
  sd: number | null;
  median: number;
}

/** Per condition (treatment × dose × unit, across plates) and feature: mean, SD and n over the wells. */
export function conditionStats(wells: WellMeans[] | WellMeansTable): ConditionStats[] {
  const table = WellMeansTable.of(wells);
  const groups = groupBy(indicesOf(table), (i) => {
    const w = table.condition(i);
    return w.treatment === null || w.role === null
      ? undefined
      : JSON.stringify([w.treatment, w.dose ?? 0, w.unit ?? '']);
  });
  const rows: ConditionStats[] = [];
  for (const group of groups.values()) {
    const first = table.condition(group[0]!);
    for (const feature of table.featureNames(group)) {
      const values = valuesOf(table, group, feature);
      rows.push({
        treatment: first.treatment!,
        dose: first.dose ?? 0,
        unit: first.unit ?? '',
        role: first.role!,
        feature,
        n: values.length,
        mean: mean(values)!,
        sd: sampleSd(values),
        median: median(values)!,
      });
    }
  }
  return rows.sort((a, b) =>
    a.treatment !== b.treatment
      ? a.treatment < b.treatment
        ? -1
        : 1
      : a.dose !== b.dose
        ? a.dose - b.dose
        : a.feature < b.feature
          ? -1
          : a.feature > b.feature
            ? 1
            : 0,
  );
}

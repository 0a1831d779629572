import { mad, mean, median, sampleSd } from './descriptive.js';
import type { WellSummary } from './wells.js';

/** MAD → σ for normally distributed data. */
export const MAD_SCALE = 1.4826;

function byPlate(wells: WellSummary[]): Map<string, WellSummary[]> {
  const plates = new Map<string, WellSummary[]>();
  for (const w of wells) plates.set(w.plate, [...(plates.get(w.plate) ?? []), w]);
  return plates;
}

const featureNames = (wells: WellSummary[]) => [...new Set(wells.flatMap((w) => Object.keys(w.features)))].sort();

const valuesOf = (wells: WellSummary[], feature: string) =>
  wells.flatMap((w) => (feature in w.features ? [w.features[feature]!] : []));

/**
 * Robust z-score of every well and feature against its plate's negative controls:
 * (x − median) / (1.4826 · MAD). Plates without negative controls, or with MAD 0, get none.
 */
export function addRobustZ(wells: WellSummary[]): void {
  for (const plateWells of byPlate(wells).values()) {
    const negatives = plateWells.filter((w) => w.role === 'negative_control');
    for (const feature of featureNames(plateWells)) {
      const values = valuesOf(negatives, feature);
      const center = median(values);
      const spread = mad(values);
      if (center === null || spread === null || spread === 0) continue;
      for (const w of plateWells) {
        const x = w.features[feature];
        if (x !== undefined) w.robustZ[feature] = (x - center) / (MAD_SCALE * spread);
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
    const negatives = plateWells.filter((w) => w.role === 'negative_control');
    const positives = plateWells.filter((w) => w.role === 'positive_control');
    for (const feature of featureNames(plateWells)) {
      const n = valuesOf(negatives, feature);
      const p = valuesOf(positives, feature);
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
export function conditionStats(wells: WellSummary[]): ConditionStats[] {
  const groups = new Map<string, WellSummary[]>();
  for (const w of wells) {
    if (w.treatment === null || w.role === null) continue;
    const key = JSON.stringify([w.treatment, w.dose ?? 0, w.unit ?? '']);
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const rows: ConditionStats[] = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    for (const feature of featureNames(group)) {
      const values = valuesOf(group, feature);
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

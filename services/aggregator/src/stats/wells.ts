import type { PlateMapEntry } from '@platescale/results';
import type { ImageResult, ImageSummary } from '@platescale/shared';
import { mean, median, weightedMean } from './descriptive.js';
import { AREA_FEATURE, COUNT_FEATURE, imageFeatures, intensityFeature } from './features.js';

/** One well's fields combined, with its plate-map annotation. Field names match the well_results columns. */
export interface WellSummary {
  plate: string;
  well: string;
  fields: number;
  fieldsFailed: number;
  /** Nuclei summed over the successful fields. */
  cellCount: number;
  meanCellCount: number | null;
  /** Mean nucleus area over every nucleus of the well (field means weighted by their counts). */
  meanArea: number | null;
  /** Median over fields of each field's median area. */
  medianArea: number | null;
  /** Per channel, mean over every nucleus of the well. */
  meanIntensity: Record<string, number>;
  /** Well-level value of each feature: Count_Nuclei per field, cell-weighted area/intensity, field means else. */
  features: Record<string, number>;
  /** Median over the successful fields of each per-image feature. */
  featureMedians: Record<string, number>;
  treatment: string | null;
  dose: number | null;
  unit: string | null;
  role: PlateMapEntry['role'] | null;
  robustZ: Record<string, number>;
}

/** What conditions and dose-response read of a well: its means and its plate-map annotation. */
export type WellMeans = Pick<WellSummary, 'features' | 'treatment' | 'dose' | 'unit' | 'role'>;

export type PlateMapLookup = (plate: string, well: string) => PlateMapEntry | undefined;

/** A well's plate-map annotation (nulls where the map does not cover it) and its not-yet-computed robust z. */
export const annotationOf = (a: PlateMapEntry | undefined) => ({
  treatment: a?.treatment ?? null,
  dose: a?.dose ?? null,
  unit: a?.unit ?? null,
  role: a?.role ?? null,
  robustZ: {},
});

const keyOf = (r: { plate: string; well: string }) => `${r.plate}\u0000${r.well}`;

function summarize(plate: string, well: string, results: ImageResult[], annotation: PlateMapEntry | undefined) {
  const ok = results.filter((r): r is ImageSummary => r.ok);
  const counts = ok.map((r) => r.count);
  const perImage = ok.map(imageFeatures);
  const names = [...new Set(perImage.flatMap((f) => Object.keys(f)))].sort();

  const withCells = ok.filter((r) => r.count > 0);
  const weights = withCells.map((r) => r.count);
  const meanArea = weightedMean(
    withCells.map((r) => r.meanArea),
    weights,
  );
  const channels = [...new Set(withCells.flatMap((r) => Object.keys(r.meanIntensity ?? {})))].sort();
  const meanIntensity: Record<string, number> = {};
  for (const channel of channels) {
    const has = withCells.filter((r) => Number.isFinite(r.meanIntensity?.[channel]));
    const value = weightedMean(
      has.map((r) => r.meanIntensity[channel]!),
      has.map((r) => r.count),
    );
    if (value !== null) meanIntensity[channel] = value;
  }

  const features: Record<string, number> = {};
  const featureMedians: Record<string, number> = {};
  for (const name of names) {
    const values = perImage.flatMap((f) => (name in f ? [f[name]!] : []));
    featureMedians[name] = median(values)!;
    features[name] = mean(values)!;
  }
  // Area and intensities describe nuclei: over the well they are weighted by how many each field holds.
  if (meanArea !== null) features[AREA_FEATURE] = meanArea;
  for (const [channel, value] of Object.entries(meanIntensity)) features[intensityFeature(channel)] = value;

  return {
    plate,
    well,
    fields: results.length,
    fieldsFailed: results.length - ok.length,
    cellCount: counts.reduce((a, b) => a + b, 0),
    meanCellCount: ok.length > 0 ? features[COUNT_FEATURE]! : null,
    meanArea,
    medianArea: median(withCells.map((r) => r.medianArea).filter(Number.isFinite)),
    meanIntensity,
    features,
    featureMedians,
    ...annotationOf(annotation),
  } satisfies WellSummary;
}

/** Per-image results → one summary per well (plate/well order), annotated from the plate map. */
export function aggregateWells(results: ImageResult[], plateMap: PlateMapLookup): WellSummary[] {
  const byWell = new Map<string, ImageResult[]>();
  for (const r of results) {
    const list = byWell.get(keyOf(r));
    if (list) list.push(r);
    else byWell.set(keyOf(r), [r]);
  }
  return [...byWell.values()]
    .map((list) => summarize(list[0]!.plate, list[0]!.well, list, plateMap(list[0]!.plate, list[0]!.well)))
    .sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

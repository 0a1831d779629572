import { type PlateMapEntry, plateMapLookup } from '@platescale/results';
import type { ImageResult } from '@platescale/shared';
import { type DoseResponseFit, fitDoseResponses } from '../stats/dose-response.js';
import { addRobustZ, type ConditionStats, conditionStats, type PlateQc, plateQc } from '../stats/plate-stats.js';
import type { WellAccumulator } from '../stats/well-accumulator.js';
import { WellMeansTable } from '../stats/well-means.js';
import { aggregateWells, type WellSummary } from '../stats/wells.js';

export interface JobAnalysis {
  images: ImageResult[];
  wells: WellSummary[];
  conditions: ConditionStats[];
  plateQc: PlateQc[];
  doseResponse: DoseResponseFit[];
}

export type WellLevelAnalysis = Omit<JobAnalysis, 'images'>;

/** The levels above the wells, and how many wells there were (their rows went to `writeWells`). */
export interface StreamedAnalysis extends Omit<WellLevelAnalysis, 'wells'> {
  wellCount: number;
}

/** The levels above the wells: robust z, conditions, plate QC and dose-response, all from the well summaries. */
function analyzeWells(wells: WellSummary[]): WellLevelAnalysis {
  addRobustZ(wells);
  const means = WellMeansTable.of(wells);
  return { wells, conditions: conditionStats(means), plateQc: plateQc(wells), doseResponse: fitDoseResponses(means) };
}

/** Every level of the results, from per-image results and the experiment's plate map. Pure; holds every image. */
export function analyzeJob(images: ImageResult[], plateMap: PlateMapEntry[]): JobAnalysis {
  return { images, ...analyzeWells(aggregateWells(images, plateMapLookup(plateMap))) };
}

/**
 * The same levels from a stream's per-well state (the images themselves are not held), a plate at a time:
 * robust z and plate QC are per plate, so each plate's finished well summaries go to `writeWells` and only the
 * means that conditions and dose-response read across plates are kept. Memory: one plate of summaries, and per
 * well its feature means (not its medians and robust z, two thirds of a summary), as numbers in a WellMeansTable.
 */
export async function analyzeAccumulated(
  accumulator: WellAccumulator,
  plateMap: PlateMapEntry[],
  writeWells: (wells: WellSummary[]) => Promise<void>,
): Promise<StreamedAnalysis> {
  const means = new WellMeansTable();
  const qc: PlateQc[] = [];
  for (const wells of accumulator.plates(plateMapLookup(plateMap))) {
    addRobustZ(wells);
    for (const row of plateQc(wells)) qc.push(row);
    await writeWells(wells);
    for (const w of wells) means.push(w);
  }
  return {
    wellCount: means.size,
    conditions: conditionStats(means),
    plateQc: qc,
    doseResponse: fitDoseResponses(means),
  };
}

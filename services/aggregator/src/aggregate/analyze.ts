import { type PlateMapEntry, plateMapLookup } from '@platescale/results';
import type { ImageResult } from '@platescale/shared';
import { type DoseResponseFit, fitDoseResponses } from '../stats/dose-response.js';
import { addRobustZ, type ConditionStats, conditionStats, type PlateQc, plateQc } from '../stats/plate-stats.js';
import type { WellAccumulator } from '../stats/well-accumulator.js';
import { aggregateWells, type WellSummary } from '../stats/wells.js';

export interface JobAnalysis {
  images: ImageResult[];
  wells: WellSummary[];
  conditions: ConditionStats[];
  plateQc: PlateQc[];
  doseResponse: DoseResponseFit[];
}

export type WellLevelAnalysis = Omit<JobAnalysis, 'images'>;

/** The levels above the wells: robust z, conditions, plate QC and dose-response, all from the well summaries. */
function analyzeWells(wells: WellSummary[]): WellLevelAnalysis {
  addRobustZ(wells);
  return { wells, conditions: conditionStats(wells), plateQc: plateQc(wells), doseResponse: fitDoseResponses(wells) };
}

/** Every level of the results, from per-image results and the experiment's plate map. Pure; holds every image. */
export function analyzeJob(images: ImageResult[], plateMap: PlateMapEntry[]): JobAnalysis {
  return { images, ...analyzeWells(aggregateWells(images, plateMapLookup(plateMap))) };
}

/** The same levels from a stream's per-well state (the images themselves are not held). */
export function analyzeAccumulated(accumulator: WellAccumulator, plateMap: PlateMapEntry[]): WellLevelAnalysis {
  return analyzeWells(accumulator.summaries(plateMapLookup(plateMap)));
}

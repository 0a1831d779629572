import type { PlateMapEntry } from '@platescale/results';
import { plateMapLookup } from '@platescale/results';
import type { ImageResult } from '@platescale/shared';
import { type DoseResponseFit, fitDoseResponses } from '../stats/dose-response.js';
import { addRobustZ, type ConditionStats, conditionStats, type PlateQc, plateQc } from '../stats/plate-stats.js';
import { aggregateWells, type WellSummary } from '../stats/wells.js';

export interface JobAnalysis {
  images: ImageResult[];
  wells: WellSummary[];
  conditions: ConditionStats[];
  plateQc: PlateQc[];
  doseResponse: DoseResponseFit[];
}

/** Every level of the results, from per-image results and the experiment's plate map. Pure. */
export function analyzeJob(images: ImageResult[], plateMap: PlateMapEntry[]): JobAnalysis {
  const wells = aggregateWells(images, plateMapLookup(plateMap));
  addRobustZ(wells);
  return {
    images,
    wells,
    conditions: conditionStats(wells),
    plateQc: plateQc(wells),
    doseResponse: fitDoseResponses(wells),
  };
}

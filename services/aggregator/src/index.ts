export { analyzeJob, type JobAnalysis } from './aggregate/analyze.js';
export { type AggregateDeps, type AggregateOutput, createAggregateHandler, jobStatus } from './aggregate/handler.js';
export {
  AggregatorError,
  NoImageSetsError,
  PlateMapValidationError,
  ResultWriterFormatError,
  SegmentationChannelMissingError,
} from './errors.js';
export { createJobEventConsumer } from './events/consumer.js';
export {
  createListImageSetsHandler,
  groupImageSets,
  type ImageSetListing,
  type ListImageSetsDeps,
  validateManifest,
} from './list/list-image-sets.js';
export { createOutboxPublisher, type OutboxPublisher } from './outbox/publisher.js';
export { type PlateMapEntry, parsePlateMap, plateMapLookup, WELL_ROLES, type WellRole } from './plate-map/parse.js';
export { type ExperimentRef, loadPlateMap, savePlateMap } from './plate-map/store.js';
export {
  type ConditionResultRow,
  type DoseResponseRow,
  getDoseResponse,
  getJobResults,
  getZPrime,
  type ImageResultRow,
  type PlateQcRow,
  RESULT_LEVELS,
  type ResultLevel,
  type ResultRowsByLevel,
  type WellResultRow,
} from './queries/results.js';
export { type MapResults, readMapResults } from './results/result-writer.js';
export { type DoseResponseFit, fitDoseResponses, fitLogLogistic, type LogLogisticFit } from './stats/dose-response.js';
export { AREA_FEATURE, COUNT_FEATURE, intensityFeature } from './stats/features.js';
export { addRobustZ, conditionStats, MAD_SCALE, plateQc, zPrime } from './stats/plate-stats.js';
export { aggregateWells, type WellSummary } from './stats/wells.js';

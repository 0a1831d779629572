export {
  type ConditionResultRow,
  type DoseResponseRow,
  type ExperimentRef,
  getDoseResponse,
  getJobResults,
  getZPrime,
  type ImageResultRow,
  loadPlateMap,
  type PlateMapEntry,
  PlateMapValidationError,
  type PlateQcRow,
  parsePlateMap,
  plateMapLookup,
  RESULT_LEVELS,
  type ResultLevel,
  type ResultRowsByLevel,
  savePlateMap,
  WELL_ROLES,
  type WellResultRow,
  type WellRole,
} from '@platescale/results';
export { analyzeJob, type JobAnalysis } from './aggregate/analyze.js';
export {
  type AggregateDeps,
  type AggregateOutput,
  type AggregateTimings,
  createAggregateHandler,
  jobStatus,
} from './aggregate/handler.js';
export {
  AggregatorError,
  NoImageSetsError,
  ResultWriterFormatError,
  SegmentationChannelMissingError,
} from './errors.js';
export { createJobEventConsumer } from './events/consumer.js';
export {
  createListImageSetsHandler,
  groupImageSets,
  ImageSetGrouper,
  type ImageSetListing,
  type ListImageSetsDeps,
  manifestBody,
  validateManifest,
} from './list/list-image-sets.js';
export { createOutboxPublisher, type OutboxPublisher } from './outbox/publisher.js';
export { type MapResultStream, type MapResults, openMapResults, readMapResults } from './results/result-writer.js';
export { type DoseResponseFit, fitDoseResponses, fitLogLogistic, type LogLogisticFit } from './stats/dose-response.js';
export { AREA_FEATURE, COUNT_FEATURE, intensityFeature } from './stats/features.js';
export { addRobustZ, conditionStats, MAD_SCALE, plateQc, zPrime } from './stats/plate-stats.js';
export { WellAccumulator } from './stats/well-accumulator.js';
export { aggregateWells, type WellSummary } from './stats/wells.js';

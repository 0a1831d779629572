export { type Config, type Env, EnvSchema, loadConfig } from './config.js';
export {
  AGGREGATOR_HEAP_MB,
  type CostDeployment,
  DEFAULT_COST_DEPLOYMENT,
  estimateJobCost,
  type JobCostEstimate,
  type JobUsage,
  type MapChildExecutionType,
  PRICE_TABLE,
  type PriceTable,
} from './cost/index.js';
export { csvCell, csvCellText, csvRow } from './csv/cell.js';
export type {
  AggregateInput,
  AnalysisInput,
  ExperimentSpec,
  ImageFailure,
  ImageResult,
  ImageSet,
  ImageSummary,
  ManifestResult,
  SegmentBatchEvent,
  SegmentBatchInput,
  SegmentBatchResult,
} from './domain/analysis.js';
export { type NamingConvention, type ParsedImageName, parseImageName } from './domain/naming.js';
export { isTenantKey, TENANT_NAMESPACES, tenantImageRoot, tenantPrefixes } from './domain/tenancy.js';
export {
  allWells,
  normalizeWell,
  PLATE_DIMENSIONS,
  type PlateFormat,
  parseWell,
  type WellPosition,
  wellFitsPlate,
  wellId,
} from './domain/wells.js';
export {
  ConflictError,
  NotFoundError,
  ObjectNotFoundError,
  PlatescaleError,
  UnavailableError,
  UnsafeKeyError,
  ValidationError,
} from './errors.js';
export {
  ANALYSIS_EVENT_SOURCE,
  ANALYSIS_EVENT_TYPES,
  type AnalysisEventType,
  type AnalysisJobEventDetail,
  AnalysisJobEventDetailSchema,
  EVENT_TYPE_BY_STATUS,
  type JobStatus,
  MAX_FAILURES_IN_EVENT,
  parseAnalysisJobEventDetail,
  TERMINAL_JOB_STATUSES,
} from './events.js';
export type { Cache } from './ports/cache.js';
export type { EventBus, EventEnvelope, EventHandler, EventToPublish } from './ports/events.js';
export type { ListOptions, ListPage, ObjectInfo, ObjectStore } from './ports/objects.js';
export type {
  ExecutionDescription,
  ExecutionStatus,
  HistoryEvent,
  MapRunCounts,
  MapRunDescription,
  Workflow,
} from './ports/workflow.js';

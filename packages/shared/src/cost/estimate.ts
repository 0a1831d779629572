import { ValidationError } from '../errors.js';
import { PRICE_TABLE, type PriceTable } from './price-table.js';

export type MapChildExecutionType = 'EXPRESS' | 'STANDARD';

/** The deployed sizes a job is priced at. infra/lib/config.ts starts from these defaults, so both agree. */
export interface CostDeployment {
  architecture: 'x86_64' | 'arm64';
  segmenterMemoryMb: number;
  /** Memory of the ListImageSets and Aggregate functions. */
  aggregatorMemoryMb: number;
  mapChildExecutionType: MapChildExecutionType;
}

export const DEFAULT_COST_DEPLOYMENT: CostDeployment = {
  architecture: 'x86_64',
  // 1769 MB is one full vCPU; the segmenter is single-threaded (bench:segmenter: 0.334 s/1024² image, 383 MB peak at 2048²).
  segmenterMemoryMb: 1769,
  aggregatorMemoryMb: 1024,
  mapChildExecutionType: 'EXPRESS',
};

/**
 * V8 old-space limit of the Aggregate function (MB, --max-old-space-size). Its live heap is ~100 MB at 500,000
 * images (per-well state; docs/scale.md), but ~1 GB of result JSON streams through it, and left to size its heap
 * by the host V8 lets that garbage grow the process to 1.3 GB before collecting — past the function's 1024 MB.
 */
export const AGGREGATOR_HEAP_MB = 640;

/** What a finished job measured: counts from the job row, durations from its image results. */
export interface JobUsage {
  /** Map items (jobs.images_total). */
  imageSets: number;
  /** Items per child execution (jobs.batch_size): one segmenter invocation per batch. */
  batchSize: number;
  /** Channel images per image set: one S3 GET each. */
  channels: number;
  /** Measured segmentation seconds summed over the job's image sets (image_results.seconds). */
  segmenterSeconds: number;
  /** Objects the segmenter writes per image set (label mask + object table = 2; 0 with outputs off). */
  outputsPerImageSet?: number;
  /** Measured seconds of the ListImageSets and Aggregate invocations, when known. */
  listImageSetsSeconds?: number;
  aggregateSeconds?: number;
  /** Completion events published (one per job unless it was redriven). */
  events?: number;
}

interface Line {
  usd: number;
}

export interface JobCostEstimate {
  estimatedAwsCostUsd: number;
  currency: 'USD';
  priceTableVersion: string;
  region: string;
  breakdown: {
    lambda: Line & { gbSeconds: number; requests: number };
    stepFunctions: Line & {
      mapChildExecutionType: MapChildExecutionType;
      standardTransitions: number;
      expressRequests: number;
      expressGbSeconds: number;
    };
    s3: Line & { getRequests: number; putRequests: number; listRequests: number };
    eventBridge: Line & { events: number };
  };
  deployment: CostDeployment & { batches: number };
}

/** States the parent execution enters on the success path: ListImageSets, SegmentImageSets, Aggregate. */
const PARENT_TRANSITIONS = 3;
/** The child state machine has one state (Segment). */
const CHILD_TRANSITIONS = 1;
/** ItemReader manifest + ResultWriter manifest and results file, read back by the aggregator. */
const FIXED_GETS = 3;
/** Manifest + ResultWriter manifest and results file. */
const FIXED_PUTS = 3;
/** Express children hold one small batch payload: well under the first 64 MB chunk. */
const EXPRESS_CHILD_MEMORY_MB = 64;

const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

/**
 * The marginal AWS cost of one job: Lambda GB-seconds at the deployed memory and requests, the Map's children
 * (Express requests and billed duration, or Standard transitions), S3 requests and EventBridge events. Fixed
 * monthly costs (Fargate, RDS, ElastiCache, NAT) are not per job and are left out. Pure: same input, same figure.
 */
export function estimateJobCost(
  usage: JobUsage,
  deployment: Partial<CostDeployment> = {},
  prices: PriceTable = PRICE_TABLE,
): JobCostEstimate {
  for (const key of ['imageSets', 'batchSize', 'channels', 'segmenterSeconds'] as const) {
    if (!Number.isFinite(usage[key]) || usage[key] < 0) throw new ValidationError(`${key} must be ≥ 0`, key);
  }
  if (usage.batchSize < 1) throw new ValidationError('batchSize must be ≥ 1', 'batchSize');
  const d: CostDeployment = { ...DEFAULT_COST_DEPLOYMENT, ...deployment };
  const batches = Math.ceil(usage.imageSets / usage.batchSize);
  const events = usage.events ?? 1;

  const otherSeconds = (usage.listImageSetsSeconds ?? 0) + (usage.aggregateSeconds ?? 0);
  const gbSeconds = (usage.segmenterSeconds * d.segmenterMemoryMb + otherSeconds * d.aggregatorMemoryMb) / 1024;
  // Segmenter per batch, ListImageSets, Aggregate, and the event consumer per event.
  const requests = batches + 2 + events;
  const lambdaUsd = gbSeconds * prices.lambda.gbSecond[d.architecture] + requests * prices.lambda.request;

  const sfn = prices.stepFunctions;
  let standardTransitions = PARENT_TRANSITIONS;
  let expressRequests = 0;
  let expressGbSeconds = 0;
  if (d.mapChildExecutionType === 'EXPRESS') {
    expressRequests = batches;
    const perChildMs = batches === 0 ? 0 : (usage.segmenterSeconds * 1000) / batches;
    const billedMs = Math.ceil(perChildMs / sfn.expressDurationIncrementMs) * sfn.expressDurationIncrementMs;
    const billedMb = Math.ceil(EXPRESS_CHILD_MEMORY_MB / sfn.expressMemoryChunkMb) * sfn.expressMemoryChunkMb;
    expressGbSeconds = (batches * billedMs * billedMb) / 1000 / 1024;
  } else {
    standardTransitions += batches * CHILD_TRANSITIONS;
  }
  const sfnUsd =
    standardTransitions * sfn.standardTransition +
    expressRequests * sfn.expressRequest +
    expressGbSeconds * sfn.expressGbSecond;

  const imagesRead = usage.imageSets * usage.channels;
  const getRequests = imagesRead + FIXED_GETS;
  const putRequests = usage.imageSets * (usage.outputsPerImageSet ?? 2) + FIXED_PUTS;
  const listRequests = Math.max(1, Math.ceil(imagesRead / 1000));
  const s3Usd = getRequests * prices.s3.getRequest + (putRequests + listRequests) * prices.s3.putOrListRequest;

  const eventsUsd = events * prices.eventBridge.customEvent;

  const breakdown: JobCostEstimate['breakdown'] = {
    lambda: { usd: round(lambdaUsd), gbSeconds: round(gbSeconds), requests },
    stepFunctions: {
      usd: round(sfnUsd),
      mapChildExecutionType: d.mapChildExecutionType,
      standardTransitions,
      expressRequests,
      expressGbSeconds: round(expressGbSeconds),
    },
    s3: { usd: round(s3Usd), getRequests, putRequests, listRequests },
    eventBridge: { usd: round(eventsUsd), events },
  };
  return {
    estimatedAwsCostUsd: round(lambdaUsd + sfnUsd + s3Usd + eventsUsd),
    currency: prices.currency,
    priceTableVersion: prices.version,
    region: prices.region,
    breakdown,
    deployment: { ...d, batches },
  };
}

import { syntheticImageSummary } from '@platescale/synthetic';
import type { PlanEnvironment } from './model.js';
import { AWS_QUOTAS } from './quotas.js';

/** The latest `bench:segmenter` figure in the repo (docs/segmenter.md, "seconds per image (CPU …)"). */
export const LATEST_SEGMENTER_SECONDS_PER_IMAGE = 0.334;

/**
 * Aggregate seconds per image on AWS: bench:scale's measured aggregateSeconds / images at 100,000 images (19.9 s,
 * docs/scale.md; 2 shared vCPUs, load average 4–6) — the aggregator is the same code in its own Lambda.
 */
export const MEASURED_AGGREGATE_SECONDS_PER_IMAGE = 0.000199;

/** ListObjectsV2 pages of 1,000 keys (two channels: 500 image sets) at an assumed ~50 ms per page. */
const LIST_SECONDS_PER_IMAGE = 0.05 / 500;

/** Express StartExecution + Lambda invoke round trip per child: an assumption (AWS publishes no figure). */
const AWS_PER_CHILD_SECONDS = 0.1;

/** The state machine's Segment TimeoutSeconds (infra/statemachine/analysis.asl.yaml). */
const SEGMENT_ATTEMPT_TIMEOUT_SECONDS = 90;

/** Bytes of one full-feature image summary as a child's output carries it (two channels). */
export const BYTES_PER_RESULT = Buffer.byteLength(
  JSON.stringify(syntheticImageSummary({ plate: 'P0001', well: 'A01', field: 0 }, ['DNA', 'CellStain'])),
);

export interface AwsOptions {
  /** The account's Lambda concurrency limit when raised above the default. */
  lambdaConcurrency?: number;
  childStartRate?: number;
  coldStartSeconds?: number;
}

/** A new AWS account's defaults (AWS_QUOTAS), the measured aggregator and the assumed per-child overhead. */
export function awsEnvironment(opts: AwsOptions = {}): PlanEnvironment {
  return {
    concurrencyLimit: Math.min(
      AWS_QUOTAS.mapMaxConcurrency.value,
      opts.lambdaConcurrency ?? AWS_QUOTAS.lambdaAccountConcurrency.value,
    ),
    childStartRate: opts.childStartRate ?? AWS_QUOTAS.childStartRate.value,
    scalingRate: AWS_QUOTAS.lambdaScalingRate.value,
    coldStartSeconds: opts.coldStartSeconds ?? AWS_QUOTAS.coldStartSeconds.value,
    perChildSeconds: AWS_PER_CHILD_SECONDS,
    listSecondsPerImage: LIST_SECONDS_PER_IMAGE,
    aggregateSecondsPerImage: MEASURED_AGGREGATE_SECONDS_PER_IMAGE,
    attemptTimeoutSeconds: SEGMENT_ATTEMPT_TIMEOUT_SECONDS,
    bytesPerResult: BYTES_PER_RESULT,
    payloadBytes: AWS_QUOTAS.payloadBytes.value,
  };
}

/**
 * The local engine as the same model sees it: the worker pool is the concurrency limit, children start and
 * workers exist at once (no start rate, no scaling ramp), and the overheads are the ones measured locally.
 */
export function localEnvironment(measured: {
  poolSize: number;
  perChildSeconds: number;
  coldStartSeconds?: number;
  listSecondsPerImage?: number;
  aggregateSecondsPerImage?: number;
}): PlanEnvironment {
  return {
    concurrencyLimit: measured.poolSize,
    childStartRate: Number.POSITIVE_INFINITY,
    scalingRate: Number.POSITIVE_INFINITY,
    coldStartSeconds: measured.coldStartSeconds ?? 0,
    perChildSeconds: measured.perChildSeconds,
    listSecondsPerImage: measured.listSecondsPerImage ?? 0,
    aggregateSecondsPerImage: measured.aggregateSecondsPerImage ?? 0,
    attemptTimeoutSeconds: SEGMENT_ATTEMPT_TIMEOUT_SECONDS,
    bytesPerResult: BYTES_PER_RESULT,
    payloadBytes: AWS_QUOTAS.payloadBytes.value,
  };
}

import { estimateJobCost } from '@platescale/shared';

/** Where a job runs, as the model sees it: limits, rates and overheads (AWS defaults, or the local engine's). */
export interface PlanEnvironment {
  /** Children that can run at once whatever MaxConcurrency says (AWS: Map ∩ Lambda account; locally: the pool). */
  concurrencyLimit: number;
  /** Child executions a Map Run starts per second (Infinity: no bound). */
  childStartRate: number;
  /** Concurrent segmenter executions added per second (Infinity: all at once). */
  scalingRate: number;
  /** Init of each new segmenter container, paid once per concurrent slot. */
  coldStartSeconds: number;
  /** Orchestration per child: start, invoke round trip, result bookkeeping. */
  perChildSeconds: number;
  listSecondsPerImage: number;
  aggregateSecondsPerImage: number;
  /** A segmenter attempt must finish within this (the state machine's TimeoutSeconds). */
  attemptTimeoutSeconds: number;
  /** A child's output holds its batch's summaries: bytes per summary, and the payload limit they must fit. */
  bytesPerResult: number;
  payloadBytes: number;
}

export interface PlanInput {
  images: number;
  secondsPerImage: number;
  batchSize: number;
  maxConcurrency: number;
}

export interface PlanPoint {
  batchSize: number;
  maxConcurrency: number;
  /** Children actually running at once: min(MaxConcurrency, the environment's limit, the number of children). */
  concurrency: number;
  children: number;
  mapSeconds: number;
  predictedWallSeconds: number;
  estimatedAwsCostUsd: number;
  /** Why this batch size cannot run (payload or attempt timeout), when it cannot. */
  infeasible?: string;
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/**
 * Wall time and cost of one job. The Map runs ceil(K / c) waves of children (K = ⌈N / B⌉ children, c running
 * at once), each taking perChild + B·S; it cannot start children faster than childStartRate; concurrency ramps
 * at scalingRate (half the ramp is lost); every concurrent slot pays one cold start. List and aggregate scale with N.
 * Cost is estimateJobCost's (the same function that prices finished jobs) with the cold starts' GB-seconds added.
 */
export function predict(input: PlanInput, env: PlanEnvironment): PlanPoint {
  const { images, secondsPerImage: s, batchSize: b, maxConcurrency } = input;
  const children = Math.ceil(images / b);
  const concurrency = Math.max(1, Math.min(maxConcurrency, env.concurrencyLimit, children));
  const childSeconds = env.perChildSeconds + b * s;
  const waves = Math.ceil(children / concurrency);
  const ramp = Number.isFinite(env.scalingRate) ? concurrency / env.scalingRate : 0;
  const startBound = Number.isFinite(env.childStartRate) ? children / env.childStartRate + childSeconds : 0;
  const mapSeconds = Math.max(waves * childSeconds + ramp / 2, startBound) + env.coldStartSeconds;
  const listSeconds = images * env.listSecondsPerImage;
  const aggregateSeconds = images * env.aggregateSecondsPerImage;
  const cost = estimateJobCost({
    imageSets: images,
    batchSize: b,
    channels: 2,
    segmenterSeconds: images * s + concurrency * env.coldStartSeconds,
    outputsPerImageSet: 2,
    listImageSetsSeconds: listSeconds,
    aggregateSeconds,
    events: 1,
  });
  const point: PlanPoint = {
    batchSize: b,
    maxConcurrency,
    concurrency,
    children,
    mapSeconds: round(mapSeconds, 2),
    predictedWallSeconds: round(listSeconds + mapSeconds + aggregateSeconds, 2),
    estimatedAwsCostUsd: round(cost.estimatedAwsCostUsd, 4),
  };
  if (b * env.bytesPerResult > env.payloadBytes) {
    point.infeasible = `${b} summaries of ~${env.bytesPerResult} B exceed the ${env.payloadBytes} B payload limit`;
  } else if (b * s > env.attemptTimeoutSeconds) {
    point.infeasible = `a batch takes ${round(b * s, 1)} s, over the ${env.attemptTimeoutSeconds} s attempt timeout`;
  }
  return point;
}

export const BATCH_SIZES = [1, 2, 5, 10, 20, 25, 50, 75, 100, 125, 150, 200, 300, 500];
export const CONCURRENCIES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

/** Within this share of the fastest wall time, the cheapest configuration is the sweet spot. */
export const SWEET_SPOT_SLACK = 0.1;

/**
 * The sweet spot over the batch sizes and concurrencies that can run: among the points whose wall time is within
 * 10 % of the fastest, the cheapest (ties: the lower concurrency, then the larger batch). Returns it with every
 * point evaluated (the curve), ordered by batch size then concurrency.
 */
export function recommend(
  base: Omit<PlanInput, 'batchSize' | 'maxConcurrency'>,
  env: PlanEnvironment,
  fixed: { batchSize?: number; maxConcurrency?: number } = {},
): { best: PlanPoint; curve: PlanPoint[] } {
  const sizes = fixed.batchSize ? [fixed.batchSize] : BATCH_SIZES;
  const concurrencies = fixed.maxConcurrency
    ? [fixed.maxConcurrency]
    : CONCURRENCIES.filter((_, i) => i === 0 || CONCURRENCIES[i - 1]! < env.concurrencyLimit);
  const curve = sizes.flatMap((batchSize) =>
    concurrencies.map((maxConcurrency) => predict({ ...base, batchSize, maxConcurrency }, env)),
  );
  const feasible = curve.filter((p) => !p.infeasible);
  const candidates = feasible.length > 0 ? feasible : curve;
  const fastest = Math.min(...candidates.map((p) => p.predictedWallSeconds));
  const best = candidates
    .filter((p) => p.predictedWallSeconds <= fastest * (1 + SWEET_SPOT_SLACK))
    .sort(
      (a, b) =>
        a.estimatedAwsCostUsd - b.estimatedAwsCostUsd || a.concurrency - b.concurrency || b.batchSize - a.batchSize,
    )[0]!;
  return { best, curve };
}

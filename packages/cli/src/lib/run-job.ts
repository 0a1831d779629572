import type { JobCostEstimate } from '@platescale/shared';
import type { ApiClient, JobView } from './api-client.js';
import { ProgressBar } from './progress.js';
import { fetchAll, type WellRow } from './results.js';

export interface ImageRow {
  plate: string;
  well: string;
  field: number;
  ok: boolean;
  cellCount: number | null;
  error: string | null;
  [k: string]: unknown;
}

export interface JobRun {
  job: JobView;
  wells: WellRow[];
  images: ImageRow[];
  wallSeconds: number;
}

/** Registers the experiment, submits the job, shows progress until it ends, and fetches every result row. */
export async function runJob(
  client: ApiClient,
  experiment: { experimentId: string; [k: string]: unknown },
  job: Record<string, unknown>,
  plateMap?: { body: unknown; contentType: string },
): Promise<JobRun> {
  await client.request('POST', '/v1/experiments', experiment);
  // The aggregator annotates wells with the plate map when the job ends: it must be in place before.
  if (plateMap) {
    const path = `/v1/experiments/${encodeURIComponent(experiment.experimentId)}/plate-map`;
    await client.requestText('PUT', path, 'application/json', plateMap.body, plateMap.contentType);
  }
  const started = performance.now();
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', job);
  const bar = new ProgressBar();
  const final = await client.waitForJob(jobId, (p) => bar.update(p));
  const wallSeconds = (performance.now() - started) / 1000;
  bar.finish(`job ${jobId} ${final.status} in ${wallSeconds.toFixed(1)} s`);
  const [wells, images] = await Promise.all([
    fetchAll<WellRow>(client, jobId, 'well'),
    fetchAll<ImageRow>(client, jobId, 'image'),
  ]);
  return { job: final, wells, images, wallSeconds };
}

/** The fields every `--json` report carries (scripts depend on these names). */
export function jobReport(run: JobRun) {
  const failures = run.images.filter((i) => !i.ok);
  const cost = (run.job.cost ?? null) as JobCostEstimate | null;
  return {
    estimatedAwsCostUsd: cost?.estimatedAwsCostUsd ?? null,
    cost,
    jobId: run.job.jobId,
    status: run.job.status,
    imagesTotal: run.images.length,
    imagesSucceeded: run.images.length - failures.length,
    imagesFailed: failures.length,
    wallSeconds: Number(run.wallSeconds.toFixed(3)),
    failures: failures.map((f) => ({ plate: f.plate, well: f.well, field: f.field, error: f.error })),
  };
}

export function jobSucceeded(run: JobRun): boolean {
  return run.job.status === 'SUCCEEDED' || run.job.status === 'PARTIALLY_SUCCEEDED';
}

/** One line for people: the estimate and where it goes. */
export function costLine(cost: JobCostEstimate | null): string {
  if (!cost) return 'estimated AWS cost: not available (the job has no results)';
  const usd = (v: number) => `$${v.toFixed(4)}`;
  const b = cost.breakdown;
  return (
    `estimated AWS cost: ${usd(cost.estimatedAwsCostUsd)} (Lambda ${usd(b.lambda.usd)}, Step Functions ` +
    `${b.stepFunctions.mapChildExecutionType} ${usd(b.stepFunctions.usd)}, S3 ${usd(b.s3.usd)}, ` +
    `EventBridge ${usd(b.eventBridge.usd)}; prices ${cost.priceTableVersion}, ${cost.region})`
  );
}

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
  experiment: Record<string, unknown>,
  job: Record<string, unknown>,
): Promise<JobRun> {
  await client.request('POST', '/v1/experiments', experiment);
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
  return {
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

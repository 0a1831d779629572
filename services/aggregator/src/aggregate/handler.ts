import { createHash } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import { loadPlateMap } from '@platescale/results';
import {
  type AggregateInput,
  type AnalysisJobEventDetail,
  type EventBus,
  estimateJobCost,
  type ImageFailure,
  type ImageResult,
  type ImageSet,
  type ImageSummary,
  type JobStatus,
  type JobUsage,
  MAX_FAILURES_IN_EVENT,
  NotFoundError,
  type ObjectStore,
  ValidationError,
} from '@platescale/shared';
import { eq } from 'drizzle-orm';
import { createOutboxPublisher } from '../outbox/publisher.js';
import { readMapResults } from '../results/result-writer.js';
import { analyzeJob } from './analyze.js';
import { enqueueEvent, writeResults } from './store.js';

const { jobs } = tables;

export interface AggregateDeps {
  db: Db;
  objects: ObjectStore;
  events: EventBus;
}

type TerminalStatus = Exclude<JobStatus, 'QUEUED' | 'RUNNING' | 'CANCELLED'>;

/** What the Aggregate task returns to the workflow: counts only (the results are in the tables). */
export interface AggregateOutput {
  jobId: string;
  status: TerminalStatus;
  imagesTotal: number;
  imagesSucceeded: number;
  imagesFailed: number;
  wells: number;
  /** The completion event's sequence (its outbox id). */
  sequence: number;
}

type Job = typeof jobs.$inferSelect;
type EventBase = Omit<
  AnalysisJobEventDetail,
  'sequence' | 'status' | 'imagesTotal' | 'imagesSucceeded' | 'imagesFailed' | 'failures'
>;

/** Longest error cause carried in an event (a Lambda's Cause holds a whole stack trace). */
const MAX_CAUSE = 4096;
const MAX_FAILURE_MESSAGE = 500;

export function jobStatus(total: number, failed: number, toleratedPercentage: number): TerminalStatus {
  if (failed === 0) return 'SUCCEEDED';
  if (failed < total && (failed / total) * 100 <= toleratedPercentage) return 'PARTIALLY_SUCCEEDED';
  return 'FAILED';
}

async function imageSetsInManifest(objects: ObjectStore, key: string): Promise<number> {
  if (!(await objects.head(key))) return 0;
  return (JSON.parse((await objects.get(key)).toString()) as ImageSet[]).length;
}

/** The Map ended: results of every level plus the completion event, in one transaction. */
async function aggregateResults(
  deps: AggregateDeps,
  job: Job,
  base: EventBase,
  input: AggregateInput & { resultWriterDetails: { Bucket: string; Key: string } },
): Promise<AggregateOutput> {
  const { mapRunArn, results } = await readMapResults(deps.objects, input.resultWriterDetails);
  const analysis = analyzeJob(results, await loadPlateMap(deps.db, job));
  const failed = results.filter((r): r is ImageFailure => !r.ok);
  const status = jobStatus(results.length, failed.length, job.toleratedFailurePercentage);
  const counts = {
    imagesTotal: results.length,
    imagesSucceeded: results.length - failed.length,
    imagesFailed: failed.length,
  };
  const detail = {
    ...base,
    ...counts,
    status,
    failures: failed.slice(0, MAX_FAILURES_IN_EVENT).map((r) => ({
      plate: r.plate,
      well: r.well,
      field: r.field,
      error: `${r.error.type}: ${r.error.message}`.slice(0, MAX_FAILURE_MESSAGE),
    })),
    ...(status === 'FAILED'
      ? { error: { error: 'ToleratedFailureExceeded', cause: `${failed.length} of ${results.length} images failed` } }
      : {}),
  };
  const dedupeKey = `${job.id}:results:${input.mapRunArn ?? mapRunArn ?? input.resultWriterDetails.Key}`;
  const cost = estimateJobCost(jobUsage(job, results));
  const sequence = await deps.db.transaction(async (tx) => {
    await writeResults(tx, job.id, analysis);
    await tx.update(jobs).set({ cost }).where(eq(jobs.id, job.id));
    return enqueueEvent(tx, dedupeKey, detail);
  });
  return { jobId: job.id, status, ...counts, wells: analysis.wells.length, sequence };
}

/** What the job consumed, from its own measurements: segmentation seconds and channel reads per image set. */
function jobUsage(job: Job, results: ImageResult[]): JobUsage {
  const ok = results.filter((r): r is ImageSummary => r.ok);
  return {
    imageSets: results.length,
    batchSize: job.batchSize,
    channels: ok.length ? ok.reduce((s, r) => s + Object.keys(r.meanIntensity).length, 0) / ok.length : 1,
    segmenterSeconds: ok.reduce((s, r) => s + r.seconds, 0),
    outputsPerImageSet: ok.some((r) => r.objectsKey) ? 2 : 0,
    events: 1,
  };
}

/** ReportFailure: the workflow caught an error; the job failed as a whole. */
async function reportFailure(
  deps: AggregateDeps,
  job: Job,
  base: EventBase,
  input: AggregateInput & { error: { Error: string; Cause?: string } },
): Promise<AggregateOutput> {
  const total = await imageSetsInManifest(deps.objects.withBucket(input.bucket), `${job.resultsPrefix}manifest.json`);
  const error = {
    error: input.error.Error,
    ...(input.error.Cause ? { cause: input.error.Cause.slice(0, MAX_CAUSE) } : {}),
  };
  const counts = { imagesTotal: total, imagesSucceeded: 0, imagesFailed: total };
  const fingerprint = createHash('sha256').update(JSON.stringify(error)).digest('hex').slice(0, 16);
  const sequence = await deps.db.transaction((tx) =>
    enqueueEvent(tx, `${job.id}:failed:${fingerprint}`, { ...base, ...counts, status: 'FAILED', failures: [], error }),
  );
  return { jobId: job.id, status: 'FAILED', ...counts, wells: 0, sequence };
}

/**
 * The Aggregate task (and ReportFailure, when `input.error` is set). Reads the Map's ResultWriter output,
 * computes image → well → condition results, plate QC and dose-response fits, and writes them together with
 * the completion event's outbox row in one transaction; then publishes the outbox. Safe to retry.
 */
export function createAggregateHandler(deps: AggregateDeps): (input: AggregateInput) => Promise<AggregateOutput> {
  const publisher = createOutboxPublisher(deps);
  return async (input) => {
    const [job] = await deps.db.select().from(jobs).where(eq(jobs.id, input.jobId));
    if (!job) throw new NotFoundError('Job', input.jobId);
    const base: EventBase = {
      schemaVersion: 1,
      jobId: job.id,
      experimentId: job.experimentId,
      tenantId: job.tenantId,
      bucket: input.bucket,
      resultsPrefix: job.resultsPrefix,
      occurredAt: new Date().toISOString(),
    };
    const { error, resultWriterDetails } = input;
    let output: AggregateOutput;
    if (error) output = await reportFailure(deps, job, base, { ...input, error });
    else if (resultWriterDetails) output = await aggregateResults(deps, job, base, { ...input, resultWriterDetails });
    else throw new ValidationError('an aggregate input needs resultWriterDetails or error', 'resultWriterDetails');
    await publisher.publishPending({ jobId: job.id });
    return output;
  };
}

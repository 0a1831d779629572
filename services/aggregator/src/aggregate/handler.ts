import { createHash } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import {
  type AggregateInput,
  type AnalysisJobEventDetail,
  type EventBus,
  type ImageFailure,
  type ImageSet,
  type JobStatus,
  MAX_FAILURES_IN_EVENT,
  NotFoundError,
  type ObjectStore,
  ValidationError,
} from '@platescale/shared';
import { eq } from 'drizzle-orm';
import { createOutboxPublisher } from '../outbox/publisher.js';
import { loadPlateMap } from '../plate-map/store.js';
import { readMapResults } from '../results/result-writer.js';
import { analyzeJob } from './analyze.js';
import { enqueueEvent, writeResults } from './store.js';

const { jobs } = tables;

export interface AggregateDeps {
  db: Db;
  objects: ObjectStore;
  events: EventBus;
}

/** What the Aggregate task returns to the workflow: counts only (the results are in the tables). */
export interface AggregateOutput {
  jobId: string;
  status: Exclude<JobStatus, 'QUEUED' | 'RUNNING' | 'CANCELLED'>;
  imagesTotal: number;
  imagesSucceeded: number;
  imagesFailed: number;
  wells: number;
  sequence: number;
}

/** Longest error cause carried in an event (a Lambda's Cause holds a whole stack trace). */
const MAX_CAUSE = 4096;

type TerminalStatus = AggregateOutput['status'];

export function jobStatus(total: number, failed: number, toleratedPercentage: number): TerminalStatus {
  if (failed === 0) return 'SUCCEEDED';
  if (failed < total && (failed / total) * 100 <= toleratedPercentage) return 'PARTIALLY_SUCCEEDED';
  return 'FAILED';
}

async function loadJob(db: Db, jobId: string) {
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) throw new NotFoundError('Job', jobId);
  return job;
}

async function manifestSize(objects: ObjectStore, key: string): Promise<number> {
  const head = await objects.head(key);
  if (!head) return 0;
  return (JSON.parse((await objects.get(key)).toString()) as ImageSet[]).length;
}

/**
 * The Aggregate task (and ReportFailure, when `input.error` is set). Reads the Map's ResultWriter output,
 * computes image → well → condition results, plate QC and dose-response fits, and writes them together with
 * the completion event's outbox row in one transaction; then publishes the outbox. Safe to retry.
 */
export function createAggregateHandler(deps: AggregateDeps): (input: AggregateInput) => Promise<AggregateOutput> {
  const publisher = createOutboxPublisher(deps);
  return async (input) => {
    const job = await loadJob(deps.db, input.jobId);
    const base = {
      schemaVersion: 1 as const,
      jobId: job.id,
      experimentId: job.experimentId,
      tenantId: job.tenantId,
      bucket: input.bucket,
      resultsPrefix: job.resultsPrefix,
      occurredAt: new Date().toISOString(),
    };
    let output: AggregateOutput;
    if (input.error) {
      const total = await manifestSize(deps.objects.withBucket(input.bucket), `${job.resultsPrefix}manifest.json`);
      const error = {
        error: input.error.Error,
        ...(input.error.Cause ? { cause: input.error.Cause.slice(0, MAX_CAUSE) } : {}),
      };
      const detail: Omit<AnalysisJobEventDetail, 'sequence'> = {
        ...base,
        status: 'FAILED',
        imagesTotal: total,
        imagesSucceeded: 0,
        imagesFailed: total,
        failures: [],
        error,
      };
      const fingerprint = createHash('sha256').update(JSON.stringify(error)).digest('hex').slice(0, 16);
      const sequence = await deps.db.transaction((tx) => enqueueEvent(tx, `${job.id}:failed:${fingerprint}`, detail));
      output = {
        jobId: job.id,
        status: 'FAILED',
        imagesTotal: total,
        imagesSucceeded: 0,
        imagesFailed: total,
        wells: 0,
        sequence,
      };
    } else {
      if (!input.resultWriterDetails) {
        throw new ValidationError('an aggregate input needs resultWriterDetails or error', 'resultWriterDetails');
      }
      const { mapRunArn, results } = await readMapResults(deps.objects, input.resultWriterDetails);
      const analysis = analyzeJob(results, await loadPlateMap(deps.db, job));
      const failed = results.filter((r): r is ImageFailure => !r.ok);
      const status = jobStatus(results.length, failed.length, job.toleratedFailurePercentage);
      const detail: Omit<AnalysisJobEventDetail, 'sequence'> = {
        ...base,
        status,
        imagesTotal: results.length,
        imagesSucceeded: results.length - failed.length,
        imagesFailed: failed.length,
        failures: failed.slice(0, MAX_FAILURES_IN_EVENT).map((r) => ({
          plate: r.plate,
          well: r.well,
          field: r.field,
          error: `${r.error.type}: ${r.error.message}`.slice(0, 500),
        })),
        ...(status === 'FAILED'
          ? {
              error: {
                error: 'ToleratedFailureExceeded',
                cause: `${failed.length} of ${results.length} images failed`,
              },
            }
          : {}),
      };
      const dedupeKey = `${job.id}:results:${input.mapRunArn ?? mapRunArn ?? input.resultWriterDetails.Key}`;
      const sequence = await deps.db.transaction(async (tx) => {
        await writeResults(tx, job.id, analysis);
        return enqueueEvent(tx, dedupeKey, detail);
      });
      output = {
        jobId: job.id,
        status,
        imagesTotal: detail.imagesTotal,
        imagesSucceeded: detail.imagesSucceeded,
        imagesFailed: detail.imagesFailed,
        wells: analysis.wells.length,
        sequence,
      };
    }
    await publisher.publishPending({ jobId: job.id });
    return output;
  };
}

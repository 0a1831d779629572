import { createHash } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import { loadPlateMap } from '@platescale/results';
import {
  type AggregateInput,
  type AnalysisJobEventDetail,
  type EventBus,
  estimateJobCost,
  type ImageResult,
  type ImageSet,
  type JobStatus,
  type JobUsage,
  MAX_FAILURES_IN_EVENT,
  NotFoundError,
  type ObjectStore,
  ValidationError,
} from '@platescale/shared';
import { eq } from 'drizzle-orm';
import { createOutboxPublisher } from '../outbox/publisher.js';
import { openMapResults } from '../results/result-writer.js';
import { WellAccumulator } from '../stats/well-accumulator.js';
import { analyzeAccumulated } from './analyze.js';
import {
  clearResults,
  enqueueEvent,
  IMAGE_ROW_BATCH,
  insertImageRows,
  insertWellRows,
  readWellFields,
  writeSummaries,
} from './store.js';

const { jobs } = tables;

/** Scattered wells read back per statement: ~10 fields of ~2 KB each, so ~10 MB of rows. */
const RECOUNT_WELLS = 500;

export interface AggregateDeps {
  db: Db;
  objects: ObjectStore;
  events: EventBus;
  /** Called after each aggregation with what it measured of itself. */
  onTimings?: (timings: AggregateTimings) => void;
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

/** What one aggregation measured of itself (logged by the Lambda, read by bench:scale). */
export interface AggregateTimings {
  /** Wall time of the whole aggregation (read, analyse, write, commit). */
  seconds: number;
  /**
   * Database statements' wall time (image-row batches, summaries, outbox, commit); image-row batches overlap the
   * reading of the next batch, so this is not a part of `seconds` that could be subtracted.
   */
  dbWriteSeconds: number;
  images: number;
  wells: number;
  /** Wells whose fields came in more than one run, so their medians were taken from their stored rows. */
  scatteredWells: number;
}

/** Counts, the first failures and the usage figures of a job, gathered while its results stream past. */
class JobTally {
  total = 0;
  failed = 0;
  readonly failures: AnalysisJobEventDetail['failures'] = [];
  private channelSum = 0;
  private segmenterSeconds = 0;
  private withObjects = false;

  add(r: ImageResult): void {
    this.total += 1;
    if (!r.ok) {
      this.failed += 1;
      if (this.failures.length < MAX_FAILURES_IN_EVENT) {
        const error = `${r.error.type}: ${r.error.message}`.slice(0, MAX_FAILURE_MESSAGE);
        this.failures.push({ plate: r.plate, well: r.well, field: r.field, error });
      }
      return;
    }
    this.channelSum += Object.keys(r.meanIntensity).length;
    this.segmenterSeconds += r.seconds;
    this.withObjects ||= Boolean(r.objectsKey);
  }

  /** What the job consumed, from its own measurements: segmentation seconds and channel reads per image set. */
  usage(job: Job): JobUsage {
    const ok = this.total - this.failed;
    return {
      imageSets: this.total,
      batchSize: job.batchSize,
      channels: ok ? this.channelSum / ok : 1,
      segmenterSeconds: this.segmenterSeconds,
      outputsPerImageSet: this.withObjects ? 2 : 0,
      events: 1,
    };
  }
}

/**
 * The Map ended: ResultWriter files are read one at a time; each result feeds the per-well accumulator and a
 * bounded batch of image rows (IMAGE_ROW_BATCH) inserted at once. The wells (a plate at a time), conditions,
 * plate QC, dose-response, the job's cost and the completion event's outbox row follow in the same transaction,
 * so the event commits with the results or not at all. Memory: one ResultWriter file, two row batches and the
 * per-well state, then one plate of well summaries and every well's feature means.
 */
async function aggregateResults(
  deps: AggregateDeps,
  job: Job,
  base: EventBase,
  input: AggregateInput & { resultWriterDetails: { Bucket: string; Key: string } },
): Promise<AggregateOutput> {
  const started = performance.now();
  let dbMs = 0;
  const timed = async <T>(write: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await write();
    } finally {
      dbMs += performance.now() - t0;
    }
  };
  const stream = await openMapResults(deps.objects, input.resultWriterDetails);
  const plateMap = await loadPlateMap(deps.db, job);
  const tally = new JobTally();
  const wells = new WellAccumulator();
  let scatteredWells = 0;
  const dedupeKey = `${job.id}:results:${input.mapRunArn ?? stream.mapRunArn ?? input.resultWriterDetails.Key}`;
  const result = await deps.db.transaction(async (tx) => {
    await timed(() => clearResults(tx, job.id));
    let batch: ImageResult[] = [];
    // One batch is written while the next is read and accumulated (Postgres parses on its own core); at most
    // one is in flight, so memory holds two batches.
    let writing: Promise<void> = Promise.resolve();
    const flush = async (rows: ImageResult[]) => {
      await writing;
      writing = timed(() => insertImageRows(tx, job.id, rows));
      // Awaited before the next batch or the summaries; until then a failure must not go unhandled.
      writing.catch(() => undefined);
    };
    for await (const child of stream.children()) {
      for (const r of child) {
        tally.add(r);
        wells.add(r);
        batch.push(r);
      }
      if (batch.length >= IMAGE_ROW_BATCH) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
    await writing;
    // Wells whose fields came in several runs take their medians from a second pass over their stored rows.
    const scattered = wells.scattered();
    for (let i = 0; i < scattered.length; i += RECOUNT_WELLS) {
      const some = scattered.slice(i, i + RECOUNT_WELLS);
      wells.recount(await timed(() => readWellFields(tx, job.id, some)));
    }
    scatteredWells = scattered.length;
    const analysis = await analyzeAccumulated(wells, plateMap, (plateWells) =>
      timed(() => insertWellRows(tx, job.id, plateWells)),
    );
    const status = jobStatus(tally.total, tally.failed, job.toleratedFailurePercentage);
    const counts = {
      imagesTotal: tally.total,
      imagesSucceeded: tally.total - tally.failed,
      imagesFailed: tally.failed,
    };
    const detail = {
      ...base,
      ...counts,
      status,
      failures: tally.failures,
      ...(status === 'FAILED'
        ? {
            error: {
              error: 'ToleratedFailureExceeded',
              cause: `${tally.failed} of ${tally.total} images failed`,
            },
          }
        : {}),
    };
    const cost = estimateJobCost(tally.usage(job));
    const sequence = await timed(async () => {
      await writeSummaries(tx, job.id, analysis);
      await tx.update(jobs).set({ cost }).where(eq(jobs.id, job.id));
      return enqueueEvent(tx, dedupeKey, detail);
    });
    return { jobId: job.id, status, ...counts, wells: analysis.wellCount, sequence };
  });
  deps.onTimings?.({
    seconds: (performance.now() - started) / 1000,
    dbWriteSeconds: dbMs / 1000,
    images: result.imagesTotal,
    wells: result.wells,
    scatteredWells,
  });
  return result;
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

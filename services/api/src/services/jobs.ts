import { type Db, tables } from '@platescale/db';
import {
  type AnalysisInput,
  type Config,
  ConflictError,
  NotFoundError,
  TERMINAL_JOB_STATUSES,
  UnavailableError,
  ValidationError,
  type Workflow,
} from '@platescale/shared';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import type { JobInput, JobView, ProgressView } from '../schemas/jobs.js';
import type { SafeCache } from './cached.js';
import { decodeCursor, paginate } from './cursor.js';
import { type ExperimentService, toSpec } from './experiments.js';
import { newId } from './ids.js';
import type { ModelCheck } from './model-check.js';
import type { ObjectScope } from './object-scope.js';

const { jobs, models } = tables;
export type JobRow = typeof jobs.$inferSelect;

const DEFAULT_MAX_CONCURRENCY = 40;
/** Finished jobs only change through redrive, which invalidates; the TTL bounds anything else. */
const FINISHED_JOB_TTL_SECONDS = 60;
const cacheKey = (tenantId: string, id: string) => `job:${tenantId}:${id}`;

export const isTerminal = (status: JobRow['status']) => TERMINAL_JOB_STATUSES.includes(status);

const NO_PROGRESS: ProgressView = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };

export function createJobService(deps: {
  db: Db;
  cache: SafeCache;
  config: Config;
  workflow: Workflow;
  experiments: ExperimentService;
  objectScope: ObjectScope;
  checkModel: ModelCheck;
}) {
  const { db, cache, config, workflow, experiments, objectScope, checkModel } = deps;

  async function modelObjectKey(tenantId: string, modelId: string): Promise<string> {
    const [model] = await db
      .select({ objectKey: models.objectKey })
      .from(models)
      .where(and(eq(models.tenantId, tenantId), eq(models.id, modelId)));
    if (!model) throw new NotFoundError('Model', modelId);
    return model.objectKey;
  }

  /**
   * The model a job names (modelId from the tenant's registry, or a modelKey), as an object key of the tenant that
   * loads as a segmentation model fitting the experiment's channels; null for the default model.
   */
  async function resolveModel(tenantId: string, input: JobInput, channels: string[]): Promise<string | null> {
    if (input.modelId && input.modelKey) throw new ValidationError('give modelId or modelKey, not both', 'modelKey');
    if (!input.modelId && !input.modelKey) return null;
    const [key, field] = input.modelId
      ? [await modelObjectKey(tenantId, input.modelId), 'modelId']
      : [input.modelKey!, 'modelKey'];
    await objectScope.object(tenantId, key, field);
    await checkModel(key, field, channels);
    return key;
  }

  /** Stores a started job's execution; the completion event may already have moved the job on (local engine). */
  async function recordStart(tenantId: string, jobId: string, started: { executionArn: string; startDate: Date }) {
    const [updated] = await db
      .update(jobs)
      .set({ executionArn: started.executionArn, startedAt: started.startDate })
      .where(eq(jobs.id, jobId))
      .returning();
    if (updated!.status !== 'QUEUED') return updated!;
    const [running] = await db
      .update(jobs)
      .set({ status: 'RUNNING' })
      .where(and(eq(jobs.id, jobId), eq(jobs.status, 'QUEUED')))
      .returning();
    return running ?? (await row(tenantId, jobId));
  }

  async function row(tenantId: string, id: string): Promise<JobRow> {
    const [r] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.tenantId, tenantId), eq(jobs.id, id)));
    if (!r) throw new NotFoundError('Job', id);
    return r;
  }

  /** Live Map Run counters while the job runs; the aggregated counts once it finished. */
  async function progress(r: JobRow): Promise<ProgressView> {
    if (isTerminal(r.status)) {
      const succeeded = r.imagesSucceeded ?? 0;
      const failed = r.imagesFailed ?? 0;
      return { total: r.imagesTotal ?? succeeded + failed, succeeded, failed, running: 0, pending: 0 };
    }
    if (!r.executionArn) return NO_PROGRESS;
    const [run] = await workflow.mapRuns(r.executionArn);
    if (!run) return NO_PROGRESS;
    const c = run.itemCounts;
    return {
      total: c.total,
      succeeded: c.succeeded,
      failed: c.failed + c.timedOut + c.aborted,
      running: c.running,
      pending: c.pending,
    };
  }

  async function view(r: JobRow): Promise<JobView> {
    const self = `/v1/jobs/${r.id}`;
    return {
      jobId: r.id,
      experimentId: r.experimentId,
      status: r.status,
      segmentationChannel: r.segmentationChannel,
      modelKey: r.modelKey,
      maxConcurrency: r.maxConcurrency,
      batchSize: r.batchSize,
      toleratedFailurePercentage: r.toleratedFailurePercentage,
      objectDiameter: r.objectDiameter,
      progress: await progress(r),
      error: r.error ?? null,
      cost: r.cost ?? null,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      links: { self, results: `${self}/results?level=well`, events: `${self}/events` },
    };
  }

  return {
    row,
    progress,

    /**
     * Everything the workflow input names is checked here, before anything runs: the experiment's image prefix is
     * the tenant's (an experiment stored before that rule is refused too), its manifest has images of the
     * segmentation channel, the model is the tenant's and loads.
     */
    async submit(tenantId: string, input: JobInput): Promise<JobView> {
      const experiment = await experiments.get(tenantId, input.experimentId);
      objectScope.assertPrefix(tenantId, experiment.imagePrefix, 'imagePrefix');
      if (!experiment.channels.includes(input.segmentationChannel)) {
        throw new ValidationError(
          `segmentationChannel '${input.segmentationChannel}' is not one of the experiment's channels (${experiment.channels.join(', ')})`,
          'segmentationChannel',
        );
      }
      if (experiment.manifest) {
        const found = [...new Set(experiment.manifest.flatMap((set) => Object.keys(set.images)))];
        if (!found.includes(input.segmentationChannel)) {
          throw new ValidationError(
            `segmentationChannel '${input.segmentationChannel}' has no image in the experiment's manifest (channels with images: ${found.join(', ') || 'none'})`,
            'segmentationChannel',
          );
        }
      }
      const maxConcurrency = input.maxConcurrency ?? Math.min(DEFAULT_MAX_CONCURRENCY, config.MAX_CONCURRENCY_CAP);
      if (maxConcurrency > config.MAX_CONCURRENCY_CAP) {
        throw new ValidationError(`maxConcurrency must be <= ${config.MAX_CONCURRENCY_CAP}`, 'maxConcurrency');
      }
      const batchSize = input.batchSize ?? 10;
      if (batchSize > config.MAX_BATCH_SIZE) {
        throw new ValidationError(`batchSize must be <= ${config.MAX_BATCH_SIZE}`, 'batchSize');
      }
      const modelKey = await resolveModel(tenantId, input, experiment.channels);
      const jobId = newId('job');
      const analysis: AnalysisInput = {
        jobId,
        experiment: toSpec(experiment),
        bucket: config.bucket,
        resultsPrefix: `jobs/${jobId}/`,
        segmentationChannel: input.segmentationChannel,
        maxConcurrency,
        batchSize,
        toleratedFailurePercentage: input.toleratedFailurePercentage ?? 10,
        modelKey,
        objectDiameter: input.objectDiameter ?? experiment.objectDiameter ?? null,
      };
      const [queued] = await db
        .insert(jobs)
        .values({
          id: jobId,
          tenantId,
          experimentId: experiment.experimentId,
          status: 'QUEUED',
          segmentationChannel: analysis.segmentationChannel,
          modelKey: analysis.modelKey,
          maxConcurrency,
          batchSize,
          toleratedFailurePercentage: analysis.toleratedFailurePercentage,
          objectDiameter: analysis.objectDiameter,
          resultsPrefix: analysis.resultsPrefix,
        })
        .returning();
      let started: { executionArn: string; startDate: Date };
      try {
        started = await workflow.start(jobId, analysis);
      } catch (err) {
        const error = { error: 'WorkflowStartFailed', cause: (err as Error).message };
        await db.update(jobs).set({ status: 'FAILED', error, finishedAt: new Date() }).where(eq(jobs.id, jobId));
        throw new UnavailableError(`the workflow engine did not start job ${jobId}: ${(err as Error).message}`, err);
      }
      // The job runs from here on, so recording its execution must not fail the request: an error would release
      // the Idempotency-Key and the client's retry would start a second job on the same experiment (seen when the
      // database pool timed out under load). The execution is then answered as started; the completion event
      // still finishes the row.
      try {
        return view(await recordStart(tenantId, jobId, started));
      } catch {
        return view({
          ...queued!,
          status: 'RUNNING',
          executionArn: started.executionArn,
          startedAt: started.startDate,
        });
      }
    },

    /** Finished jobs are served from the cache (that is what GET /v1/jobs/{id} mostly is once a job is done). */
    async get(tenantId: string, id: string): Promise<JobView> {
      let live: JobView | undefined;
      const finished = await cache.readThrough(cacheKey(tenantId, id), FINISHED_JOB_TTL_SECONDS, async () => {
        const v = await view(await row(tenantId, id));
        if (isTerminal(v.status)) return v;
        live = v;
        return null;
      });
      return finished ?? live!;
    },

    async list(
      tenantId: string,
      q: {
        limit: number;
        cursor?: string | undefined;
        status?: JobRow['status'] | undefined;
        experimentId?: string | undefined;
      },
    ) {
      const after = decodeCursor(q.cursor, 1);
      const rows = await db
        .select()
        .from(jobs)
        .where(
          and(
            eq(jobs.tenantId, tenantId),
            q.status ? eq(jobs.status, q.status) : undefined,
            q.experimentId ? eq(jobs.experimentId, q.experimentId) : undefined,
            after ? lt(jobs.id, String(after[0])) : undefined,
          ),
        )
        .orderBy(desc(jobs.id))
        .limit(q.limit + 1);
      const page = paginate(rows, q.limit, (r) => [r.id]);
      return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
    },

    async cancel(tenantId: string, id: string): Promise<JobView> {
      const r = await row(tenantId, id);
      if (isTerminal(r.status))
        throw new ConflictError(`job ${id} already finished (${r.status})`, 'job_not_cancellable');
      if (r.executionArn) {
        await workflow.stop(r.executionArn, { error: 'JobCancelled', cause: 'cancelled through the API' });
      }
      const [done] = await db
        .update(jobs)
        .set({ status: 'CANCELLED', finishedAt: new Date(), error: { error: 'JobCancelled' } })
        .where(and(eq(jobs.id, id), inArray(jobs.status, ['QUEUED', 'RUNNING'])))
        .returning();
      await cache.invalidate(cacheKey(tenantId, id));
      return view(done ?? (await row(tenantId, id)));
    },

    /** Step Functions redrive: re-runs the failed and unfinished items of a failed execution. */
    async redrive(tenantId: string, id: string): Promise<JobView> {
      const r = await row(tenantId, id);
      if (r.status !== 'FAILED' || !r.executionArn) {
        throw new ConflictError(
          `only a failed job that started can be redriven (job ${id} is ${r.status})`,
          'job_not_redrivable',
        );
      }
      await workflow.redrive(r.executionArn);
      const [updated] = await db
        .update(jobs)
        .set({ status: 'RUNNING', finishedAt: null, error: null })
        .where(and(eq(jobs.id, id), eq(jobs.status, 'FAILED')))
        .returning();
      await cache.invalidate(cacheKey(tenantId, id));
      return view(updated ?? (await row(tenantId, id)));
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;

import { type Db, tables } from '@platescale/db';
import {
  ANALYSIS_EVENT_SOURCE,
  ANALYSIS_EVENT_TYPES,
  type EventEnvelope,
  NotFoundError,
  parseAnalysisJobEventDetail,
} from '@platescale/shared';
import { and, eq, lt } from 'drizzle-orm';

const { jobs, processedEvents } = tables;

/**
 * The completion-event consumer (EventBridge rule target on AWS, bus subscriber locally). It applies an event to
 * the jobs row at most once (processed_events, keyed by the envelope id) and only when its `sequence` is newer
 * than the last one applied, so duplicates and late deliveries change nothing. Other events are ignored.
 */
export function createJobEventConsumer(deps: { db: Db }): (envelope: EventEnvelope) => Promise<void> {
  return async (envelope) => {
    if (envelope.source !== ANALYSIS_EVENT_SOURCE) return;
    if (!(ANALYSIS_EVENT_TYPES as readonly string[]).includes(envelope['detail-type'])) return;
    const detail = parseAnalysisJobEventDetail(envelope.detail);
    await deps.db.transaction(async (tx) => {
      const [job] = await tx.select({ id: jobs.id }).from(jobs).where(eq(jobs.id, detail.jobId)).for('update');
      // Thrown, not recorded: the bus retries, and the job row may yet appear (replicated or created late).
      if (!job) throw new NotFoundError('Job', detail.jobId);
      const fresh = await tx
        .insert(processedEvents)
        .values({ eventId: envelope.id, jobId: detail.jobId })
        .onConflictDoNothing()
        .returning({ eventId: processedEvents.eventId });
      if (fresh.length === 0) return;
      await tx
        .update(jobs)
        .set({
          status: detail.status,
          imagesTotal: detail.imagesTotal,
          imagesSucceeded: detail.imagesSucceeded,
          imagesFailed: detail.imagesFailed,
          error: detail.error ?? null,
          finishedAt: new Date(detail.occurredAt),
          lastEventSequence: detail.sequence,
        })
        .where(and(eq(jobs.id, detail.jobId), lt(jobs.lastEventSequence, detail.sequence)));
    });
  };
}

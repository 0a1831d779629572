import { type Db, tables } from '@platescale/db';
import { type EventBus, UnavailableError } from '@platescale/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';

const { outbox } = tables;

export interface OutboxPublisher {
  /** Publishes unpublished rows (of one job, or all) oldest first; returns how many were published. */
  publishPending(opts?: { jobId?: string; limit?: number }): Promise<number>;
}

/**
 * Sends outbox rows to the event bus and stamps them published. Rows are locked (SKIP LOCKED) while they are
 * sent, so concurrent publishers never send the same row twice; a failed send leaves the row pending (and is
 * counted in `attempts`) for the next call — the aggregator's retry, or the embedded runtime at start-up.
 */
export function createOutboxPublisher(deps: { db: Db; events: EventBus }): OutboxPublisher {
  return {
    async publishPending(opts = {}) {
      let failure: unknown;
      let failedIds: number[] = [];
      const published = await deps.db.transaction(async (tx) => {
        const rows = await tx
          .select()
          .from(outbox)
          .where(and(isNull(outbox.publishedAt), opts.jobId ? eq(outbox.jobId, opts.jobId) : undefined))
          .orderBy(asc(outbox.id))
          .limit(opts.limit ?? 100)
          .for('update', { skipLocked: true });
        if (rows.length === 0) return 0;
        let ids: string[];
        try {
          ids = await deps.events.publish(
            rows.map((r) => ({ source: r.source, detailType: r.detailType, detail: r.detail, resources: [] })),
          );
        } catch (err) {
          failure = err;
          failedIds = rows.map((r) => r.id);
          return 0;
        }
        for (const [i, row] of rows.entries()) {
          await tx
            .update(outbox)
            .set({ publishedAt: new Date(), eventId: ids[i] ?? null, attempts: row.attempts + 1, lastError: null })
            .where(eq(outbox.id, row.id));
        }
        return rows.length;
      });
      if (failure !== undefined) {
        const message = (failure as Error).message ?? String(failure);
        for (const id of failedIds) {
          await deps.db
            .update(outbox)
            .set({ attempts: sql`${outbox.attempts} + 1`, lastError: message })
            .where(eq(outbox.id, id));
        }
        throw new UnavailableError(`publishing ${failedIds.length} outbox event(s) failed: ${message}`, failure);
      }
      return published;
    },
  };
}

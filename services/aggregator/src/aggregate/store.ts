import type { Db } from '@platescale/db';
import { tables } from '@platescale/db';
import type { AnalysisJobEventDetail, ImageResult } from '@platescale/shared';
import { ANALYSIS_EVENT_SOURCE, EVENT_TYPE_BY_STATUS } from '@platescale/shared';
import { eq } from 'drizzle-orm';
import type { JobAnalysis } from './analyze.js';

const { conditionResults, doseResponseFits, imageResults, outbox, plateQc, wellResults } = tables;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Rows per INSERT: well under Postgres' 65,535 bind parameters for the widest table. */
const CHUNK = 1000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

function imageRow(jobId: string, r: ImageResult) {
  const base = { jobId, plate: r.plate, well: r.well, field: r.field, ok: r.ok };
  if (!r.ok) return { ...base, error: `${r.error.type}: ${r.error.message}` };
  return {
    ...base,
    cellCount: r.count,
    meanArea: Number.isFinite(r.meanArea) ? r.meanArea : null,
    medianArea: Number.isFinite(r.medianArea) ? r.medianArea : null,
    meanIntensity: r.meanIntensity,
    features: r.features ?? null,
    objectDiameter: r.objectDiameter ?? null,
    diameterSource: r.diameterSource ?? null,
    objectsKey: r.objectsKey ?? null,
    maskKey: r.maskKey ?? null,
    seconds: r.seconds,
  };
}

/** Replaces the job's results (a retried aggregation rewrites the same rows). */
export async function writeResults(tx: Tx, jobId: string, analysis: JobAnalysis): Promise<void> {
  for (const table of [imageResults, wellResults, conditionResults, plateQc, doseResponseFits]) {
    await tx.delete(table).where(eq(table.jobId, jobId));
  }
  await insertChunked(analysis.images, (c) => tx.insert(imageResults).values(c.map((r) => imageRow(jobId, r))));
  await insertChunked(analysis.wells, (c) => tx.insert(wellResults).values(c.map((w) => ({ ...w, jobId }))));
  await insertChunked(analysis.conditions, (c) => tx.insert(conditionResults).values(c.map((r) => ({ ...r, jobId }))));
  await insertChunked(analysis.plateQc, (c) => tx.insert(plateQc).values(c.map((r) => ({ ...r, jobId }))));
  await insertChunked(analysis.doseResponse, (c) =>
    tx.insert(doseResponseFits).values(c.map((r) => ({ ...r, jobId }))),
  );
}

/**
 * Adds the completion event to the outbox, unless an event with the same dedupe key is there already (a retried
 * aggregation). The row id becomes the event's `sequence`, monotonic across the database and so per job.
 */
export async function enqueueEvent(
  tx: Tx,
  dedupeKey: string,
  detail: Omit<AnalysisJobEventDetail, 'sequence'>,
): Promise<number> {
  const [row] = await tx
    .insert(outbox)
    .values({
      jobId: detail.jobId,
      dedupeKey,
      source: ANALYSIS_EVENT_SOURCE,
      detailType: EVENT_TYPE_BY_STATUS[detail.status],
      detail,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  if (!row) {
    const [existing] = await tx.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
    return existing!.id;
  }
  await tx
    .update(outbox)
    .set({ detail: { ...detail, sequence: row.id } })
    .where(eq(outbox.id, row.id));
  return row.id;
}

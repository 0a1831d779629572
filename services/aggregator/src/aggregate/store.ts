import type { Db } from '@platescale/db';
import { tables } from '@platescale/db';
import type { AnalysisJobEventDetail, ImageResult, ImageSummary } from '@platescale/shared';
import { ANALYSIS_EVENT_SOURCE, EVENT_TYPE_BY_STATUS } from '@platescale/shared';
import { eq, sql } from 'drizzle-orm';
import type { JobAnalysis } from './analyze.js';

const { conditionResults, doseResponseFits, imageResults, outbox, plateQc, wellResults } = tables;

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Rows per INSERT: well under Postgres' 65,535 bind parameters for the widest table. */
const CHUNK = 1000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Image rows per INSERT … SELECT FROM unnest(…): one bind parameter per column, so the batch size is free. */
export const IMAGE_ROW_BATCH = 5000;

const finiteOrNull = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
const jsonOrNull = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

/** Inserts one batch of image rows as column arrays (14 parameters whatever the batch size). */
export async function insertImageRows(tx: Tx, jobId: string, results: readonly ImageResult[]): Promise<void> {
  if (results.length === 0) return;
  const ok = results.map((r) => r.ok);
  const summary = <T>(get: (r: ImageSummary) => T) => results.map((r) => (r.ok ? get(r) : null));
  await tx.execute(sql`
    INSERT INTO ${imageResults} (job_id, plate, well, field, ok, cell_count, mean_area, median_area, mean_intensity,
      features, objects_key, mask_key, seconds, error)
    SELECT ${jobId}, * FROM unnest(
      ${sql.param(results.map((r) => r.plate))}::text[],
      ${sql.param(results.map((r) => r.well))}::text[],
      ${sql.param(results.map((r) => r.field))}::int[],
      ${sql.param(ok)}::bool[],
      ${sql.param(summary((r) => r.count))}::int[],
      ${sql.param(summary((r) => finiteOrNull(r.meanArea)))}::float8[],
      ${sql.param(summary((r) => finiteOrNull(r.medianArea)))}::float8[],
      ${sql.param(summary((r) => jsonOrNull(r.meanIntensity)))}::jsonb[],
      ${sql.param(summary((r) => jsonOrNull(r.features)))}::jsonb[],
      ${sql.param(summary((r) => r.objectsKey ?? null))}::text[],
      ${sql.param(summary((r) => r.maskKey ?? null))}::text[],
      ${sql.param(summary((r) => r.seconds))}::float8[],
      ${sql.param(results.map((r) => (r.ok ? null : `${r.error.type}: ${r.error.message}`)))}::text[]
    )`);
}

/** Removes the job's results of every level (a retried aggregation rewrites the same rows). */
export async function clearResults(tx: Tx, jobId: string): Promise<void> {
  for (const table of [imageResults, wellResults, conditionResults, plateQc, doseResponseFits]) {
    await tx.delete(table).where(eq(table.jobId, jobId));
  }
}

/** The levels computed from the wells (the image rows were streamed in by insertImageRows). */
export async function writeSummaries(tx: Tx, jobId: string, analysis: Omit<JobAnalysis, 'images'>): Promise<void> {
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

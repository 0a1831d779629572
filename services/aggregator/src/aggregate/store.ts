import type { Db } from '@platescale/db';
import { tables } from '@platescale/db';
import type { AnalysisJobEventDetail, ImageResult } from '@platescale/shared';
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

/** Image rows per INSERT … SELECT FROM json_to_recordset(…): one JSON parameter, so the batch size is free. */
export const IMAGE_ROW_BATCH = 5000;

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Inserts one batch of image rows, sent as one JSON array that Postgres parses once (no per-row parameters). */
export async function insertImageRows(tx: Tx, jobId: string, results: readonly ImageResult[]): Promise<void> {
  if (results.length === 0) return;
  const rows = results.map((r) =>
    r.ok
      ? {
          plate: r.plate,
          well: r.well,
          field: r.field,
          ok: true,
          cell_count: r.count,
          mean_area: finiteOrNull(r.meanArea),
          median_area: finiteOrNull(r.medianArea),
          mean_intensity: r.meanIntensity ?? null,
          features: r.features ?? null,
          object_diameter: r.objectDiameter ?? null,
          diameter_source: r.diameterSource ?? null,
          objects_key: r.objectsKey ?? null,
          mask_key: r.maskKey ?? null,
          seconds: r.seconds,
        }
      : { plate: r.plate, well: r.well, field: r.field, ok: false, error: `${r.error.type}: ${r.error.message}` },
  );
  await tx.execute(sql`
    INSERT INTO ${imageResults} (job_id, plate, well, field, ok, cell_count, mean_area, median_area, mean_intensity,
      features, object_diameter, diameter_source, objects_key, mask_key, seconds, error)
    SELECT ${jobId}, plate, well, field, ok, cell_count, mean_area, median_area, mean_intensity, features,
      object_diameter, diameter_source, objects_key, mask_key, seconds, error
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(plate text, well text, field int, ok bool,
      cell_count int, mean_area float8, median_area float8, mean_intensity jsonb, features jsonb,
      object_diameter float8, diameter_source text, objects_key text, mask_key text, seconds float8, error text)`);
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

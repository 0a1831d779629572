import type { Db } from '@platescale/db';
import { tables } from '@platescale/db';
import type { AnalysisJobEventDetail, ImageResult } from '@platescale/shared';
import { ANALYSIS_EVENT_SOURCE, EVENT_TYPE_BY_STATUS } from '@platescale/shared';
import { eq, getTableColumns, type SQLChunk, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { WellField } from '../stats/well-accumulator.js';
import type { WellSummary } from '../stats/wells.js';
import type { StreamedAnalysis } from './analyze.js';

const { conditionResults, doseResponseFits, imageResults, outbox, plateQc, wellResults } = tables;

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Rows per INSERT: well under Postgres' 65,535 bind parameters for the widest table. */
const CHUNK = 1000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Image rows per INSERT … SELECT FROM jsonb_to_recordset(…): one JSON parameter, so the batch size is free. */
export const IMAGE_ROW_BATCH = 5000;

/**
 * Inserts one batch of image rows, sent as the results' own JSON (one parameter that Postgres parses once into
 * jsonb; no per-row object or parameter on this side). JSON has no NaN or ±Infinity: a non-finite number
 * arrives as null, which is what the columns hold for it.
 */
export async function insertImageRows(tx: Tx, jobId: string, results: readonly ImageResult[]): Promise<void> {
  if (results.length === 0) return;
  await tx.execute(sql`
    INSERT INTO ${imageResults} (job_id, plate, well, field, ok, cell_count, mean_area, median_area, mean_intensity,
      features, object_diameter, diameter_source, objects_key, mask_key, seconds, error)
    SELECT ${jobId}, plate, well, field, ok, count, "meanArea", "medianArea", "meanIntensity", features,
      "objectDiameter", "diameterSource", "objectsKey", "maskKey", seconds,
      CASE WHEN NOT ok THEN concat(error->>'type', ': ', error->>'message') END
    FROM jsonb_to_recordset(${JSON.stringify(results)}::jsonb) AS x(plate text, well text, field int, ok bool,
      count int, "meanArea" float8, "medianArea" float8, "meanIntensity" jsonb, features jsonb,
      "objectDiameter" float8, "diameterSource" text, "objectsKey" text, "maskKey" text, seconds float8,
      error jsonb)`);
}

/**
 * The successful fields of the given wells, read back from the image rows written so far in this transaction,
 * each well's together (for WellAccumulator.recount). Numbers come back as they went in: JSON and float8 text
 * both print the shortest decimal that reads back as the same double.
 */
export async function readWellFields(
  tx: Tx,
  jobId: string,
  wells: readonly { plate: string; well: string }[],
): Promise<WellField[]> {
  if (wells.length === 0) return [];
  const result: unknown = await tx.execute(sql`
    SELECT plate, well, cell_count AS count, mean_area AS "meanArea", median_area AS "medianArea",
      mean_intensity AS "meanIntensity", features
    FROM ${imageResults}
    WHERE job_id = ${jobId} AND ok
      AND (plate, well) IN (SELECT plate, well FROM jsonb_to_recordset(${JSON.stringify(wells)}::jsonb)
        AS x(plate text, well text))
    ORDER BY plate, well, field`);
  // node-postgres and PGlite both answer { rows }.
  return (result as { rows: WellField[] }).rows;
}

/**
 * Inserts rows of `table`, keyed by its property names (every row with the same keys as the first), as one
 * jsonb_to_recordset parameter. Only for columns where null stands for a non-finite number (JSON has none).
 */
async function insertRecordset(tx: Tx, table: PgTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => key in rows[0]!);
  const list = (parts: SQLChunk[]) => sql.join(parts, sql`, `);
  await tx.execute(sql`
    INSERT INTO ${table} (${list(columns.map(([, c]) => sql.identifier(c.name)))})
    SELECT ${list(columns.map(([key]) => sql.identifier(key)))}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS x(${list(columns.map(([key, c]) => sql`${sql.identifier(key)} ${sql.raw(c.getSQLType())}`))})`);
}

/** Removes the job's results of every level (a retried aggregation rewrites the same rows). */
export async function clearResults(tx: Tx, jobId: string): Promise<void> {
  for (const table of [imageResults, wellResults, conditionResults, plateQc, doseResponseFits]) {
    await tx.delete(table).where(eq(table.jobId, jobId));
  }
}

/** Well rows per statement: ~8 KB of JSON each, so a statement's parameter stays ~8 MB. */
const WELL_ROW_BATCH = 1000;

/**
 * Inserts well rows (55,000 at 500,000 images, a plate at a time) as JSON, which Postgres parses faster than
 * drizzle binds them.
 */
export async function insertWellRows(tx: Tx, jobId: string, wells: readonly WellSummary[]): Promise<void> {
  for (let i = 0; i < wells.length; i += WELL_ROW_BATCH) {
    await insertRecordset(
      tx,
      wellResults,
      wells.slice(i, i + WELL_ROW_BATCH).map((w) => ({ ...w, jobId })),
    );
  }
}

/** The levels above the wells (image rows were streamed in by insertImageRows, well rows by insertWellRows). */
export async function writeSummaries(
  tx: Tx,
  jobId: string,
  analysis: Omit<StreamedAnalysis, 'wellCount'>,
): Promise<void> {
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

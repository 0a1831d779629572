import { type Db, tables } from '@platescale/db';
import {
  getDoseResponse,
  getJobResults,
  mapColumnKeys,
  type ResultLevel,
  type ResultRowsByLevel,
} from '@platescale/results';
import { normalizeWell } from '@platescale/shared';
import { and, asc, eq, getTableColumns, gt, type SQL, sql } from 'drizzle-orm';
import type { DoseResponseFitView } from '../schemas/dose-response.js';
import { decodeCursor, paginate } from './cursor.js';

const { wellResults, imageResults } = tables;

/**
 * The columns a result row is served with: all but jobId (the caller asked for that job). Selected as such, not
 * copied without it afterwards: a streamed CSV of 500,000 rows would copy every row once more.
 */
const { jobId: _wellJob, ...wellColumns } = getTableColumns(wellResults);
const { jobId: _imageJob, ...imageColumns } = getTableColumns(imageResults);

/** Rows per keyset page of a streamed CSV. */
const CSV_PAGE = 250;

/** The model's `top` is the low-dose response (hill > 0), so top > bottom is a falling curve (an IC50). */
function directionOf(top: number | null, bottom: number | null): DoseResponseFitView['direction'] {
  if (top === null || bottom === null || top === bottom) return null;
  return top > bottom ? 'decreasing' : 'increasing';
}

/** Which rows of a level: one plate, one well of it (a well page), or all; with `failed`, only the failures. */
export interface ResultFilter {
  plate?: string | undefined;
  well?: string | undefined;
  failed?: boolean | undefined;
}

/** The filter's conditions on a table with plate and well columns (a well is matched in its canonical form). */
function filterBy(table: typeof wellResults | typeof imageResults, filter: ResultFilter): SQL[] {
  return [
    ...(filter.plate === undefined ? [] : [eq(table.plate, filter.plate)]),
    ...(filter.well === undefined ? [] : [eq(table.well, normalizeWell(filter.well))]),
    ...(filter.failed ? [failedRows(table)] : []),
  ];
}

const failedRows = (table: typeof wellResults | typeof imageResults): SQL =>
  table === wellResults ? gt(wellResults.fieldsFailed, 0) : eq(imageResults.ok, false);

/**
 * Per-well and per-image results of a job, in plate/well(/field) order. The caller has checked the tenant. A page
 * starts after its cursor by a row comparison, which Postgres answers from the primary key in one index range
 * (the equivalent OR of three conditions became a bitmap scan of the rest of the job: 60 ms a page at 100,000).
 */
export function createResultService(db: Db) {
  return {
    async wells(jobId: string, page: { limit: number; cursor?: string | undefined }, filter: ResultFilter = {}) {
      const after = decodeCursor(page.cursor, 2);
      const afterKey =
        after && sql`(${wellResults.plate}, ${wellResults.well}) > (${String(after[0])}, ${String(after[1])})`;
      const rows = await db
        .select(wellColumns)
        .from(wellResults)
        .where(and(eq(wellResults.jobId, jobId), ...filterBy(wellResults, filter), afterKey))
        .orderBy(asc(wellResults.plate), asc(wellResults.well))
        .limit(page.limit + 1);
      return paginate(rows, page.limit, (r) => [r.plate, r.well]);
    },

    async images(jobId: string, page: { limit: number; cursor?: string | undefined }, filter: ResultFilter = {}) {
      const after = decodeCursor(page.cursor, 3);
      const afterKey =
        after &&
        sql`(${imageResults.plate}, ${imageResults.well}, ${imageResults.field}) > (${String(after[0])}, ${String(after[1])}, ${Number(after[2])})`;
      const rows = await db
        .select(imageColumns)
        .from(imageResults)
        .where(and(eq(imageResults.jobId, jobId), ...filterBy(imageResults, filter), afterKey))
        .orderBy(asc(imageResults.plate), asc(imageResults.well), asc(imageResults.field))
        .limit(page.limit + 1);
      return paginate(rows, page.limit, (r) => [r.plate, r.well, r.field]);
    },

    /**
     * Every row of the image or well level, one keyset page of CSV_PAGE rows at a time (what a streamed CSV
     * reads): memory holds one page whatever the job's size.
     */
    async *pages(jobId: string, level: 'image' | 'well', filter: ResultFilter = {}) {
      let cursor: string | undefined;
      do {
        const page = await (level === 'image' ? this.images : this.wells)(jobId, { limit: CSV_PAGE, cursor }, filter);
        // The cursor first: nothing of the page stays referenced here while the consumer holds it.
        cursor = page.nextCursor ?? undefined;
        yield page.items as Record<string, unknown>[];
      } while (cursor);
    },

    /** Each plate's counts of wells and fields (failed ones too), in plate order: one row per plate. */
    async plates(jobId: string) {
      return db
        .select({
          plate: wellResults.plate,
          wells: sql<number>`count(*)::int`,
          fields: sql<number>`sum(${wellResults.fields})::int`,
          fieldsFailed: sql<number>`sum(${wellResults.fieldsFailed})::int`,
          wellsWithFailedFields: sql<number>`(count(*) FILTER (WHERE ${wellResults.fieldsFailed} > 0))::int`,
        })
        .from(wellResults)
        .where(eq(wellResults.jobId, jobId))
        .groupBy(wellResults.plate)
        .orderBy(asc(wellResults.plate));
    },

    /** Every key of each map-valued column of the level (a streamed CSV's header). */
    mapKeys(jobId: string, level: 'image' | 'well') {
      return mapColumnKeys(db, jobId, level);
    },

    /** Every row of one level (CSV, and the condition and plate levels, which are small and come whole). */
    async all<L extends ResultLevel>(jobId: string, level: L): Promise<Omit<ResultRowsByLevel[L], 'jobId'>[]> {
      const rows = await getJobResults(db, jobId, level);
      return rows.map(({ jobId: _, ...r }) => r);
    },

    async doseResponse(jobId: string, feature?: string): Promise<DoseResponseFitView[]> {
      const rows = await getDoseResponse(db, jobId, feature ? { feature } : {});
      return rows.map(({ jobId: _, ...r }) => ({ ...r, direction: directionOf(r.top, r.bottom) }));
    },
  };
}

export type ResultService = ReturnType<typeof createResultService>;

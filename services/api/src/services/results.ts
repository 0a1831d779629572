import { type Db, tables } from '@platescale/db';
import {
  getDoseResponse,
  getJobResults,
  mapColumnKeys,
  type ResultLevel,
  type ResultRowsByLevel,
} from '@platescale/results';
import { and, asc, eq, gt, or, type SQL } from 'drizzle-orm';
import type { DoseResponseFitView } from '../schemas/dose-response.js';
import { decodeCursor, paginate } from './cursor.js';

const { wellResults, imageResults } = tables;

/** Rows per keyset page of a streamed CSV. */
const CSV_PAGE = 2000;

/** The model's `top` is the low-dose response (hill > 0), so top > bottom is a falling curve (an IC50). */
function directionOf(top: number | null, bottom: number | null): DoseResponseFitView['direction'] {
  if (top === null || bottom === null || top === bottom) return null;
  return top > bottom ? 'decreasing' : 'increasing';
}

/** Per-well and per-image results of a job, in plate/well(/field) order. The caller has checked the tenant. */
export function createResultService(db: Db) {
  return {
    async wells(jobId: string, page: { limit: number; cursor?: string | undefined }) {
      const after = decodeCursor(page.cursor, 2);
      const afterKey: SQL | undefined = after
        ? or(
            gt(wellResults.plate, String(after[0])),
            and(eq(wellResults.plate, String(after[0])), gt(wellResults.well, String(after[1]))),
          )
        : undefined;
      const rows = await db
        .select()
        .from(wellResults)
        .where(and(eq(wellResults.jobId, jobId), afterKey))
        .orderBy(asc(wellResults.plate), asc(wellResults.well))
        .limit(page.limit + 1);
      const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.plate, r.well]);
      return { items: items.map(({ jobId: _, ...r }) => r), nextCursor };
    },

    async images(jobId: string, page: { limit: number; cursor?: string | undefined }) {
      const after = decodeCursor(page.cursor, 3);
      const afterKey: SQL | undefined = after
        ? or(
            gt(imageResults.plate, String(after[0])),
            and(eq(imageResults.plate, String(after[0])), gt(imageResults.well, String(after[1]))),
            and(
              eq(imageResults.plate, String(after[0])),
              eq(imageResults.well, String(after[1])),
              gt(imageResults.field, Number(after[2])),
            ),
          )
        : undefined;
      const rows = await db
        .select()
        .from(imageResults)
        .where(and(eq(imageResults.jobId, jobId), afterKey))
        .orderBy(asc(imageResults.plate), asc(imageResults.well), asc(imageResults.field))
        .limit(page.limit + 1);
      const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.plate, r.well, r.field]);
      return { items: items.map(({ jobId: _, ...r }) => r), nextCursor };
    },

    /**
     * Every row of the image or well level, one keyset page of CSV_PAGE rows at a time (what a streamed CSV
     * reads): memory holds one page whatever the job's size.
     */
    async *pages(jobId: string, level: 'image' | 'well') {
      let cursor: string | undefined;
      do {
        const page = await (level === 'image' ? this.images : this.wells)(jobId, { limit: CSV_PAGE, cursor });
        yield page.items as Record<string, unknown>[];
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
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

import { type Db, tables } from '@platescale/db';
import { asc, eq } from 'drizzle-orm';

const { conditionResults, doseResponseFits, imageResults, plateQc, wellResults } = tables;

export const RESULT_LEVELS = ['image', 'well', 'condition', 'plate'] as const;
export type ResultLevel = (typeof RESULT_LEVELS)[number];

export type ImageResultRow = typeof imageResults.$inferSelect;
export type WellResultRow = typeof wellResults.$inferSelect;
export type ConditionResultRow = typeof conditionResults.$inferSelect;
export type PlateQcRow = typeof plateQc.$inferSelect;
export type DoseResponseRow = typeof doseResponseFits.$inferSelect;

export interface ResultRowsByLevel {
  image: ImageResultRow;
  well: WellResultRow;
  condition: ConditionResultRow;
  plate: PlateQcRow;
}

/** Every row of one results level for a job, in a stable order (the API pages and renders JSON or CSV). */
export async function getJobResults<L extends ResultLevel>(
  db: Db,
  jobId: string,
  level: L,
): Promise<ResultRowsByLevel[L][]> {
  switch (level) {
    case 'image':
      return (await db
        .select()
        .from(imageResults)
        .where(eq(imageResults.jobId, jobId))
        .orderBy(asc(imageResults.plate), asc(imageResults.well), asc(imageResults.field))) as ResultRowsByLevel[L][];
    case 'well':
      return (await db
        .select()
        .from(wellResults)
        .where(eq(wellResults.jobId, jobId))
        .orderBy(asc(wellResults.plate), asc(wellResults.well))) as ResultRowsByLevel[L][];
    case 'condition':
      return (await db
        .select()
        .from(conditionResults)
        .where(eq(conditionResults.jobId, jobId))
        .orderBy(
          asc(conditionResults.treatment),
          asc(conditionResults.dose),
          asc(conditionResults.unit),
          asc(conditionResults.feature),
        )) as ResultRowsByLevel[L][];
    default:
      return (await db
        .select()
        .from(plateQc)
        .where(eq(plateQc.jobId, jobId))
        .orderBy(asc(plateQc.plate), asc(plateQc.feature))) as ResultRowsByLevel[L][];
  }
}

/** The job's dose-response fits, treatment then feature; `feature` narrows to one (e.g. Count_Nuclei). */
export async function getDoseResponse(
  db: Db,
  jobId: string,
  opts: { feature?: string } = {},
): Promise<DoseResponseRow[]> {
  const rows = await db
    .select()
    .from(doseResponseFits)
    .where(eq(doseResponseFits.jobId, jobId))
    .orderBy(asc(doseResponseFits.treatment), asc(doseResponseFits.feature));
  return opts.feature ? rows.filter((r) => r.feature === opts.feature) : rows;
}

/** Z′ per plate and feature, e.g. `{ SYNTH01: { Count_Nuclei: 0.71 } }` (null where controls are missing). */
export async function getZPrime(db: Db, jobId: string): Promise<Record<string, Record<string, number | null>>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const row of await getJobResults(db, jobId, 'plate')) {
    out[row.plate] ??= {};
    out[row.plate]![row.feature] = row.zPrime;
  }
  return out;
}

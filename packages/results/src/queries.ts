import { type Db, tables } from '@platescale/db';
import { asc, eq, sql } from 'drizzle-orm';

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

/** The jsonb columns of the levels that stream as CSV, by their property names. */
const MAP_COLUMNS = {
  image: { table: imageResults, columns: { meanIntensity: 'mean_intensity', features: 'features' } },
  well: {
    table: wellResults,
    columns: {
      meanIntensity: 'mean_intensity',
      features: 'features',
      featureMedians: 'feature_medians',
      robustZ: 'robust_z',
    },
  },
} as const;

/**
 * For each map-valued (jsonb object) column of a level: every key any of the job's rows holds, sorted; a column
 * no row holds an object in is absent. What a streamed CSV needs for its header before the first row is sent.
 */
export async function mapColumnKeys(
  db: Db,
  jobId: string,
  level: keyof typeof MAP_COLUMNS,
): Promise<Record<string, string[]>> {
  const { table, columns } = MAP_COLUMNS[level];
  const out: Record<string, string[]> = {};
  for (const [property, column] of Object.entries(columns)) {
    const col = sql.identifier(column);
    const result: unknown = await db.execute(sql`
      SELECT bool_or(jsonb_typeof(${col}) = 'object') AS any,
        (SELECT array_agg(k ORDER BY k) FROM (
          SELECT DISTINCT jsonb_object_keys(${col}) AS k FROM ${table}
          WHERE job_id = ${jobId} AND jsonb_typeof(${col}) = 'object') keys) AS keys
      FROM ${table} WHERE job_id = ${jobId}`);
    // node-postgres and PGlite both answer { rows }.
    const [row] = (result as { rows: { any: boolean | null; keys: string[] | null }[] }).rows;
    if (row?.any) out[property] = row.keys ?? [];
  }
  return out;
}

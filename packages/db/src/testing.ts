import { randomBytes } from 'node:crypto';
import { type Database, openDatabase } from './client.js';
import { jobs } from './schema/index.js';

/**
 * A database for one test: the real Postgres at DATABASE_URL in a fresh schema (dropped afterwards),
 * or an in-memory PGlite when DATABASE_URL is unset.
 */
export async function openTestDatabase(): Promise<Database & { dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}` : 'public';
  const database = await openDatabase({ url, schema });
  return {
    ...database,
    async dispose() {
      if (url) await database.db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.close();
    },
  };
}

/** A test database (as openTestDatabase) holding one RUNNING job per id, for tests of results and aggregation. */
export async function openTestDatabaseWithJobs(
  jobIds: string[],
  opts: { tolerated?: number; experimentId?: string } = {},
): Promise<Database & { dispose(): Promise<void> }> {
  const database = await openTestDatabase();
  for (const id of jobIds) {
    await database.db.insert(jobs).values({
      id,
      experimentId: opts.experimentId ?? 'exp-1',
      status: 'RUNNING',
      segmentationChannel: 'DNA',
      maxConcurrency: 4,
      batchSize: 8,
      toleratedFailurePercentage: opts.tolerated ?? 10,
      resultsPrefix: `jobs/${id}/`,
    });
  }
  return database;
}

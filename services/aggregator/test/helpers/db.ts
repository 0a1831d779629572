import { tables } from '@platescale/db';
import { openTestDatabase } from '@platescale/db/testing';
import type { Test } from 'tap';

/** A fresh database (real Postgres when DATABASE_URL is set) with one queued job per id. */
export async function databaseWithJobs(
  t: Test,
  jobIds: string[],
  opts: { tolerated?: number; experimentId?: string } = {},
) {
  const database = await openTestDatabase();
  t.teardown(() => database.dispose());
  for (const id of jobIds) {
    await database.db.insert(tables.jobs).values({
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

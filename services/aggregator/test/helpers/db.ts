import { openTestDatabaseWithJobs } from '@platescale/db/testing';
import type { Test } from 'tap';

/** A fresh database (real Postgres when DATABASE_URL is set) with one queued job per id, dropped after `t`. */
export async function databaseWithJobs(
  t: Test,
  jobIds: string[],
  opts: { tolerated?: number; experimentId?: string } = {},
) {
  const database = await openTestDatabaseWithJobs(jobIds, opts);
  t.teardown(() => database.dispose());
  return database;
}

import { eq } from 'drizzle-orm';
import t from 'tap';
import { jobs, migrate } from '../src/index.js';
import { openTestDatabase } from '../src/testing.js';

t.test('migrations apply and the schema round-trips a job', async (t) => {
  const database = await openTestDatabase();
  t.teardown(() => database.dispose());
  await database.db.insert(jobs).values({
    id: 'job-1',
    experimentId: 'exp',
    status: 'QUEUED',
    segmentationChannel: 'DNA',
    maxConcurrency: 4,
    batchSize: 2,
    toleratedFailurePercentage: 10,
    resultsPrefix: 'jobs/job-1/',
  });
  const [row] = await database.db.select().from(jobs).where(eq(jobs.id, 'job-1'));
  t.equal(row?.status, 'QUEUED');
  t.equal(row?.tenantId, 'default');
  t.ok(await database.ping());
});

t.test('migrate is idempotent', async (t) => {
  const database = await openTestDatabase();
  t.teardown(() => database.dispose());
  const runner = {
    transaction: async (statements: string[]) => {
      for (const s of statements) await database.db.execute(s);
    },
    query: async <T>(text: string) => ((await database.db.execute(text)) as unknown as { rows: T[] }).rows,
  };
  t.equal(await migrate(runner, database.schema), 0, 'nothing left to apply');
});

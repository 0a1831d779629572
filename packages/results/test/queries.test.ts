import { tables } from '@platescale/db';
import { openTestDatabaseWithJobs } from '@platescale/db/testing';
import t from 'tap';
import { getDoseResponse, getJobResults, getZPrime } from '../src/queries.js';

t.test('levels and dose-response read back in a stable order', async (t) => {
  const database = await openTestDatabaseWithJobs(['job-q', 'other']);
  t.teardown(() => database.dispose());
  const { db } = database;
  await db.insert(tables.plateQc).values([
    { jobId: 'job-q', plate: 'P2', feature: 'Count_Nuclei', nNegative: 0, nPositive: 0, zPrime: null },
    { jobId: 'job-q', plate: 'P1', feature: 'Count_Nuclei', nNegative: 8, nPositive: 8, zPrime: 0.7 },
    { jobId: 'job-q', plate: 'P1', feature: 'AreaShape_Area', nNegative: 8, nPositive: 8, zPrime: -2 },
    { jobId: 'other', plate: 'P1', feature: 'Count_Nuclei', nNegative: 8, nPositive: 8, zPrime: 0.1 },
  ]);
  const fit = { n: 40, doses: 10, converged: true, unit: 'uM' };
  await db.insert(tables.doseResponseFits).values([
    { ...fit, jobId: 'job-q', treatment: 'b', feature: 'Count_Nuclei', ec50: 2 },
    { ...fit, jobId: 'job-q', treatment: 'a', feature: 'Count_Nuclei', ec50: 1 },
    { ...fit, jobId: 'job-q', treatment: 'a', feature: 'AreaShape_Area', ec50: 3 },
  ]);
  t.same(
    (await getJobResults(db, 'job-q', 'plate')).map((r) => [r.plate, r.feature]),
    [
      ['P1', 'AreaShape_Area'],
      ['P1', 'Count_Nuclei'],
      ['P2', 'Count_Nuclei'],
    ],
  );
  t.same(await getZPrime(db, 'job-q'), { P1: { AreaShape_Area: -2, Count_Nuclei: 0.7 }, P2: { Count_Nuclei: null } });
  t.same(
    (await getDoseResponse(db, 'job-q', { feature: 'Count_Nuclei' })).map((r) => [r.treatment, r.ec50]),
    [
      ['a', 1],
      ['b', 2],
    ],
  );
  t.equal((await getDoseResponse(db, 'job-q')).length, 3);
  t.same(await getJobResults(db, 'job-q', 'well'), []);
  t.same(await getJobResults(db, 'job-q', 'condition'), []);
  t.same(await getJobResults(db, 'job-q', 'image'), []);
});

import t from 'tap';
import { call, waitForJob } from './helpers/api.js';
import { assertAllStored, jobCounts, report } from './helpers/counts.js';
import { registerAndStartJob, writeSmallPlate } from './helpers/plate.js';
import { proxyTo } from './helpers/proxy.js';
import { DATABASE_URL, openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

const OUTAGE_MS = 10_000;

// Scenario 2: Postgres goes away for 10 s in the middle of a job (open connections cut, new ones refused) — through
// a TCP proxy between the serving process and the machine's Postgres, which itself is never touched.
t.test(
  'Postgres gone for 10 s mid-job: prompt 503s, readiness names it, the job resumes with exact counts',
  async (t) => {
    const s = await openScenario('postgres_outage');
    t.teardown(() => s.dispose());
    const { proxy, url: viaProxy } = await proxyTo(DATABASE_URL, 5432);
    t.teardown(() => proxy.close());
    const plate = await writeSmallPlate(s, { wells: 24, fields: 2 });
    const server = await startServing(s.env({ DATABASE_URL: viaProxy, ENGINE_LEASE_SECONDS: '3' }));
    t.teardown(() => server.stop());
    const jobId = await registerAndStartJob(server.url, s.key, plate, { batchSize: 2, maxConcurrency: 2 });
    await waitForJob(() => server.url, s.key, jobId, { until: (j) => j.progress.succeeded >= 8 });

    await proxy.down();
    const wentDown = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    const read = await call(server.url, s.key, 'GET', `/v1/jobs/${jobId}`);
    t.equal(read.status, 503, 'a read answers 503');
    t.match(read.type, /application\/problem\+json/);
    t.ok(read.ms < 5000, `promptly (${Math.round(read.ms)} ms)`);
    const ready = await call<{ status: string; checks: { database: { status: string } } }>(
      server.url,
      s.key,
      'GET',
      '/health/ready',
    );
    t.equal(ready.status, 503);
    t.match(
      ready.body,
      { status: 'unavailable', checks: { database: { status: 'down' } } },
      'readiness names the database',
    );
    const remaining = OUTAGE_MS - (performance.now() - wentDown);
    await new Promise((r) => setTimeout(r, Math.max(0, remaining)));
    await proxy.up();
    const cameBack = performance.now();

    const done = await waitForJob(() => server.url, s.key, jobId, { timeoutMs: 180_000 });
    const recoveredS = (performance.now() - cameBack) / 1000;
    t.equal(done.status, 'SUCCEEDED', 'the job resumed and finished');
    const c = await jobCounts(s, jobId);
    assertAllStored(t, c, plate);
    report('2 postgres-outage-10s', c, {
      read503Ms: Math.round(read.ms),
      readyNames: 'database',
      backToDoneS: recoveredS.toFixed(1),
    });
  },
);

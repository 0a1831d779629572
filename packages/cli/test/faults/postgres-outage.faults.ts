import t from 'tap';
import { call, ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startProxy } from './helpers/proxy.js';
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
    const proxy = await startProxy(Number(new URL(DATABASE_URL).port || 5432));
    t.teardown(() => proxy.close());
    const viaProxy = new URL(DATABASE_URL);
    viaProxy.port = String(proxy.port);
    const plate = await writeSmallPlate(s, { wells: 24, fields: 2 });
    const server = await startServing(s.env({ DATABASE_URL: viaProxy.href, ENGINE_LEASE_SECONDS: '3' }));
    t.teardown(() => server.stop());
    await ok(server.url, s.key, 'POST', '/v1/experiments', experimentBody(plate));
    const { jobId } = await ok<{ jobId: string }>(server.url, s.key, 'POST', '/v1/jobs', {
      experimentId: plate.experimentId,
      segmentationChannel: 'DNA',
      batchSize: 2,
      maxConcurrency: 2,
    });
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
    t.equal(c.imageRows, plate.imageSets, 'one image row per image set');
    t.equal(c.imagesFailed, 0);
    t.equal(c.wellRows, plate.wells);
    t.equal(c.events, 1, 'one completion event');
    t.equal(c.eventsUnpublished, 0);
    report('2 postgres-outage-10s', c, {
      read503Ms: Math.round(read.ms),
      readyNames: 'database',
      backToDoneS: recoveredS.toFixed(1),
    });
  },
);

import { createApiKey } from '@platescale/api';
import t from 'tap';
import { call, waitForJob } from './helpers/api.js';
import { assertAllStored, jobCounts, report } from './helpers/counts.js';
import { registerAndStartJob, writeSmallPlate } from './helpers/plate.js';
import { proxyTo } from './helpers/proxy.js';
import { openScenario, REDIS_URL, type Scenario, TENANT } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

const RATE_PER_MINUTE = 40;
const BURST = 60;

// Scenario 3: Redis (cache and rate-limit counters) goes away during a job while clients read — through a TCP proxy
// between the serving process and the machine's Redis, which itself is never touched.
t.test('Redis gone under API load: reads from Postgres, rate limiting fails open, nothing stale after', async (t) => {
  const s = await openScenario('redis_outage');
  t.teardown(() => s.dispose());
  const { proxy, url: viaProxy } = await proxyTo(REDIS_URL, 6379);
  t.teardown(() => proxy.close());
  const plate = await writeSmallPlate(s, { wells: 16, fields: 2 });
  const server = await startServing(s.env({ REDIS_URL: viaProxy, API_RATE_LIMIT_PER_MINUTE: String(RATE_PER_MINUTE) }));
  t.teardown(() => server.stop());
  const jobId = await registerAndStartJob(server.url, s.key, plate, { batchSize: 2, maxConcurrency: 2 });
  await waitForJob(() => server.url, s.key, jobId, { until: (j) => j.progress.succeeded >= 4 });

  const before = await burst(s, server.url, jobId);
  t.same(before.statuses, { 200: RATE_PER_MINUTE, 429: BURST - RATE_PER_MINUTE }, 'Redis up: the per-key limit holds');
  await proxy.down();
  const ready = await call<{ status: string; checks: { cache: { status: string } } }>(
    server.url,
    s.key,
    'GET',
    '/health/ready',
  );
  t.equal(ready.status, 200, 'still ready: the cache is not required');
  t.match(ready.body, { status: 'degraded', checks: { cache: { status: 'down' } } }, 'readiness names the cache');

  // A burst above the per-key limit from a key of its own: with the counters gone, the limiter lets requests through.
  const during = await burst(s, server.url, jobId);
  t.same(
    during.statuses,
    { 200: BURST },
    `Redis down: all ${BURST} reads answered from Postgres (limit ${RATE_PER_MINUTE}/min not enforced)`,
  );
  t.ok(during.maxMs < 15_000, `no read hung on Redis (max ${Math.round(during.maxMs)} ms)`);

  const done = await waitForJob(() => server.url, s.key, jobId, { timeoutMs: 120_000 });
  t.equal(done.status, 'SUCCEEDED', 'the job finished while Redis was down');
  await proxy.up();
  const cameBack = performance.now();
  let backMs = 0;
  for (;;) {
    const r = await call<{ status: string }>(server.url, s.key, 'GET', '/health/ready');
    if (r.body.status === 'ok') {
      backMs = performance.now() - cameBack;
      break;
    }
    if (performance.now() - cameBack > 30_000)
      throw new Error(`the cache did not come back: ${JSON.stringify(r.body)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
  // Twice: the first read fills the cache, the second is served from it.
  for (const read of ['first read after', 'cached read after']) {
    const after = await call<{ status: string; progress: { succeeded: number } }>(
      server.url,
      s.key,
      'GET',
      `/v1/jobs/${jobId}`,
    );
    t.match(after.body, { status: 'SUCCEEDED', progress: { succeeded: plate.imageSets } }, `${read}: final status`);
  }
  // The rate limiter's own Redis connection reconnects with a backoff (≤ 2 s): bursts with fresh keys until one
  // is counted whole — a burst that straddles the reconnect is only partly limited (seen in CI: 59 × 200, 1 × 429).
  const limited = BURST - RATE_PER_MINUTE;
  let after = await burst(s, server.url, jobId);
  while (after.statuses[429] !== limited && performance.now() - cameBack < 20_000)
    after = await burst(s, server.url, jobId);
  const limitBackMs = performance.now() - cameBack;
  t.same(after.statuses, { 200: RATE_PER_MINUTE, 429: limited }, 'Redis back: the limit holds again');

  const c = await jobCounts(s, jobId);
  assertAllStored(t, c, plate);
  report('3 redis-outage', c, {
    readsDuringOutage: `${during.statuses[200] ?? 0}/${BURST}`,
    maxReadMs: Math.round(during.maxMs),
    limitedAfter: after.statuses[429] ?? 0,
    limitBackMs: Math.round(limitBackMs),
    cacheBackMs: Math.round(backMs),
  });
});

/** BURST reads of the job, 6 at a time, with a fresh key: the answers' status counts and the slowest answer. */
async function burst(s: Scenario, url: string, jobId: string) {
  const { key } = await createApiKey(s.database, { tenant: TENANT, scopes: ['jobs:read'] });
  const statuses: Record<number, number> = {};
  let maxMs = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < BURST) {
        next++;
        const a = await call(url, key, 'GET', `/v1/jobs/${jobId}`);
        statuses[a.status] = (statuses[a.status] ?? 0) + 1;
        maxMs = Math.max(maxMs, a.ms);
      }
    }),
  );
  return { statuses, maxMs };
}

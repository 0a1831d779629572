import { join } from 'node:path';
import t from 'tap';
import { ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { readInvocations, runsPerItem } from './helpers/invocations.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startReceiver } from './helpers/receiver.js';
import { openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

const LEASE_SECONDS = 2;
const BATCH = 2;
const CONCURRENCY = 2;

// Scenario 7: two serving processes on one Postgres (and one object store), local engine. Each runs the jobs it
// started and nothing else; when one is SIGKILLed the other adopts its running jobs once their leases lapse.
t.test('two serving processes: each job runs once; the survivor adopts a killed process’s jobs', async (t) => {
  const s = await openScenario('two_servers');
  t.teardown(() => s.dispose());
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const plate = await writeSmallPlate(s, { wells: 24, fields: 2 });
  const log = join(s.home, 'invocations.jsonl');
  const env = s.env({ ENGINE_LEASE_SECONDS: String(LEASE_SECONDS), FAULTS_INVOCATIONS: log });
  const [a, b] = await Promise.all([startServing(env), startServing(env)]);
  t.teardown(() => a.kill());
  t.teardown(() => b.stop());

  await ok(a.url, s.key, 'POST', '/v1/experiments', experimentBody(plate));
  await ok(a.url, s.key, 'POST', '/v1/webhooks', { url: receiver.url, eventTypes: ['AnalysisJobSucceeded'] });
  const body = {
    experimentId: plate.experimentId,
    segmentationChannel: 'DNA',
    batchSize: BATCH,
    maxConcurrency: CONCURRENCY,
  };
  const submit = async (url: string) => (await ok<{ jobId: string }>(url, s.key, 'POST', '/v1/jobs', body)).jobId;
  const onA = [await submit(a.url), await submit(a.url)];
  const onB = [await submit(b.url), await submit(b.url)];

  // Progress of A's jobs read through B (from A's checkpoints); kill A once both are under way.
  for (const id of onA) await waitForJob(() => b.url, s.key, id, { until: (j) => j.progress.succeeded >= 4 });
  const killedAt = Date.now();
  await a.kill();
  const views = await Promise.all([...onA, ...onB].map((id) => waitForJob(() => b.url, s.key, id)));
  const doneAt = Date.now();
  t.same(
    views.map((v) => v.status),
    ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
    'every job finished',
  );
  const deadline = Date.now() + 15_000;
  while (receiver.received.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 1500));

  const invocations = await readInvocations(log);
  const before = invocations.filter((i) => i.at < killedAt);
  for (const [owner, jobs] of [
    [a.child.pid, onA],
    [b.child.pid, onB],
  ] as const) {
    for (const id of jobs) {
      const pids = new Set(before.filter((i) => i.jobId === id).map((i) => i.pid));
      t.same([...pids], [owner], `job ${id} ran only in the process that started it`);
    }
  }
  for (const id of onB) {
    const runs = runsPerItem(invocations, id);
    t.equal(runs.size, plate.imageSets, `job ${id}: every image set ran`);
    t.ok(
      [...runs.values()].every((n) => n === 1),
      `job ${id}: none ran twice`,
    );
  }
  let rerun = 0;
  let adoptedAfter = Number.POSITIVE_INFINITY;
  for (const id of onA) {
    const runs = runsPerItem(invocations, id);
    t.equal(runs.size, plate.imageSets, `job ${id}: every image set ran`);
    const twice = [...runs.values()].filter((n) => n > 1).length;
    // Only batches A had in flight (or finished without a checkpoint) when it died may run again.
    t.ok(twice <= 2 * BATCH * CONCURRENCY, `job ${id}: ${twice} image sets ran again after the kill`);
    rerun += twice;
    const first = invocations.find((i) => i.jobId === id && i.at >= killedAt && i.pid === b.child.pid);
    if (first) adoptedAfter = Math.min(adoptedAfter, first.at - killedAt);
  }
  t.ok(adoptedAfter <= (LEASE_SECONDS + 3) * 1000, `adopted ${adoptedAfter} ms after the kill`);

  let totals = { imageRows: 0, wellRows: 0, events: 0, deliveriesSucceeded: 0 };
  for (const id of [...onA, ...onB]) {
    const c = await jobCounts(s, id);
    t.equal(c.imageRows, plate.imageSets, `job ${id}: one image row per image set`);
    t.equal(c.wellRows, plate.wells);
    t.equal(c.events, 1, `job ${id}: one completion event`);
    t.equal(c.deliveriesSucceeded, 1, `job ${id}: one delivery`);
    totals = {
      imageRows: totals.imageRows + c.imageRows,
      wellRows: totals.wellRows + c.wellRows,
      events: totals.events + c.events,
      deliveriesSucceeded: totals.deliveriesSucceeded + c.deliveriesSucceeded,
    };
  }
  t.equal(receiver.received.length, 4, 'the receiver got each job’s event once');
  t.equal(new Set(receiver.received.map((r) => r.id)).size, 4);
  report(
    '7 two-servers',
    { ...totals, imagesFailed: 0, eventsUnpublished: 0, deliveries: totals.deliveriesSucceeded },
    {
      jobs: 4,
      rerunAfterKill: rerun,
      adoptedAfterS: (adoptedAfter / 1000).toFixed(1),
      killToAllDoneS: ((doneAt - killedAt) / 1000).toFixed(1),
    },
    receiver,
  );
});

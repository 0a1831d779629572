import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { readInvocations, runsPerItem } from './helpers/invocations.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

interface WorkerBatch {
  threadId: number;
  at: number;
  items: string[];
}

// Scenario 4: a segmenter worker thread exits in the middle of a batch, another runs out of heap. Each batch is
// retried as the Segment state's Retry says (Runtime.ExitError), no row is duplicated, and the pool replaces the
// dead threads.
t.test('worker threads crash mid-batch (exit, out of memory): retried, no duplicates, workers replaced', async (t) => {
  const s = await openScenario('worker_crash');
  t.teardown(() => s.dispose());
  const plate = await writeSmallPlate(s, { wells: 12, fields: 4 });
  const log = join(s.home, 'invocations.jsonl');
  const workerLog = join(s.home, 'workers.jsonl');
  const server = await startServing(
    s.env({
      FAULTS_INVOCATIONS: log,
      FAULTS_WORKER_LOG: workerLog,
      FAULTS_CRASH_MARKERS: s.home,
      FAULTS_CRASH_EXIT: 'A03/1',
      FAULTS_CRASH_OOM: 'A08/2',
      SEGMENTER_WORKER_HEAP_MB: '128',
    }),
  );
  t.teardown(() => server.stop());
  await ok(server.url, s.key, 'POST', '/v1/experiments', experimentBody(plate));
  const started = performance.now();
  const { jobId } = await ok<{ jobId: string }>(server.url, s.key, 'POST', '/v1/jobs', {
    experimentId: plate.experimentId,
    segmentationChannel: 'DNA',
    batchSize: 4,
    maxConcurrency: 2,
    toleratedFailurePercentage: 0,
  });
  const done = await waitForJob(() => server.url, s.key, jobId);
  const seconds = (performance.now() - started) / 1000;
  t.equal(done.status, 'SUCCEEDED', 'both crashed batches succeeded on retry');
  t.equal(server.child.exitCode, null, 'the serving process survived');

  const runs = runsPerItem(await readInvocations(log), jobId);
  t.equal(runs.size, plate.imageSets);
  const twice = [...runs.entries()].filter(([, n]) => n > 1).map(([i]) => i);
  t.same(
    twice.sort(),
    ['A03/0', 'A03/1', 'A03/2', 'A03/3', 'A08/0', 'A08/1', 'A08/2', 'A08/3'],
    'only the two batches',
  );
  t.ok(
    [...runs.values()].every((n) => n <= 2),
    'each retried once',
  );

  const all = (await readFile(workerLog, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as WorkerBatch);
  const crashed = ['A03/1', 'A08/2'].map((item) => all.find((b) => b.items.includes(item))!);
  for (const c of crashed) {
    const later = all.filter((b) => b.at > c.at);
    t.notOk(
      later.some((b) => b.threadId === c.threadId),
      `thread ${c.threadId} never ran again`,
    );
  }
  const threads = new Set(all.map((b) => b.threadId));
  const dead = new Set(crashed.map((c) => c.threadId));
  const lastCrash = Math.max(...crashed.map((c) => c.at));
  t.ok(
    all.some((b) => b.at > lastCrash && !dead.has(b.threadId)),
    `a replacement thread ran the batches after the crashes (${threads.size} threads in all)`,
  );

  const c = await jobCounts(s, jobId);
  t.equal(c.imageRows, plate.imageSets, 'one image row per image set');
  t.equal(c.imagesFailed, 0);
  t.equal(c.wellRows, plate.wells);
  t.equal(c.events, 1);
  report('4 worker-crash', c, { crashes: 2, retriedBatches: 2, workerThreads: threads.size, jobS: seconds.toFixed(1) });
});

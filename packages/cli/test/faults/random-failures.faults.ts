import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { call, ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { readInvocations, runsPerItem } from './helpers/invocations.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startReceiver, waitForDeliveries } from './helpers/receiver.js';
import { openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

// Scenario 5: 1 % of the image sets fail transiently (the first invocation of their batch throws UnavailableError,
// which the state machine's Retry covers) and 1 % permanently (a corrupt TIFF); then a dependency that stays down
// through every Retry fails a job with no tolerance, and a redrive after it came back reruns only what had not run.
t.test(
  '1 % transient + 1 % permanent failures; redrive after an outage reruns only the unfinished items',
  async (t) => {
    const s = await openScenario('random_failures');
    t.teardown(() => s.dispose());
    const receiver = await startReceiver();
    t.teardown(() => receiver.close());
    const partial = await writeSmallPlate(s, { experimentId: 'partial', wells: 25, fields: 4, seed: 5 });
    const redrive = await writeSmallPlate(s, { experimentId: 'redrive', wells: 25, fields: 2, seed: 6 });
    // Permanent: the DNA image of B03 field 2 is cut short.
    const corrupt = `${partial.prefix}F1_B03_s3_w1.tif`;
    await s.objects.put(corrupt, (await s.objects.get(corrupt)).subarray(0, 300));
    const log = join(s.home, 'invocations.jsonl');
    // While this file exists, batches holding B10/0 fail: the outage of the second part.
    const outage = join(s.home, 'dependency-down');
    const server = await startServing(
      s.env({
        FAULTS_INVOCATIONS: log,
        FAULTS_TRANSIENT: 'B07/1',
        FAULTS_DOWN_ITEMS: 'B10/0',
        FAULTS_DOWN_WHILE: outage,
      }),
    );
    t.teardown(() => server.stop());
    const api = (method: string, path: string, body?: unknown) => ok(server.url, s.key, method, path, body);
    await api('POST', '/v1/experiments', experimentBody(partial));
    await api('POST', '/v1/experiments', experimentBody(redrive));
    await api('POST', '/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['AnalysisJobSucceeded', 'AnalysisJobPartiallySucceeded', 'AnalysisJobFailed'],
    });

    await t.test('within the tolerance: PARTIALLY_SUCCEEDED with exact counts', async (t) => {
      const { jobId } = (await api('POST', '/v1/jobs', {
        experimentId: 'partial',
        segmentationChannel: 'DNA',
        batchSize: 4,
        maxConcurrency: 2,
        toleratedFailurePercentage: 5,
      })) as { jobId: string };
      const job = await waitForJob(() => server.url, s.key, jobId);
      t.equal(job.status, 'PARTIALLY_SUCCEEDED');
      t.same(job.progress, { total: 100, succeeded: 99, failed: 1, running: 0, pending: 0 });
      await waitForDeliveries(receiver, 1);
      const c = await jobCounts(s, jobId);
      t.equal(c.imageRows, 100, 'one row per image set');
      t.equal(c.imagesFailed, 1, 'the corrupt one failed');
      t.equal(c.wellRows, 25);
      t.equal(c.events, 1);
      t.equal(c.deliveriesSucceeded, 1);
      const failed = await call<{ items: { well: string; field: number; error: string }[] }>(
        server.url,
        s.key,
        'GET',
        `/v1/jobs/${jobId}/results?level=image&ok=false`,
      );
      const bad = failed.body.items.filter((i) => i.error);
      t.match(bad, [{ well: 'B03', field: 2, error: /F1_B03_s3_w1\.tif/ }], 'the failure names the file');
      const runs = runsPerItem(await readInvocations(log), jobId);
      t.equal(runs.get('B07/1'), 2, 'the transient failure was retried once');
      t.equal([...runs.values()].filter((n) => n > 1).length, 4, 'only its batch (4 image sets) ran twice');
      report('5a 1%-transient+1%-permanent', c, { transientRetried: 1 }, receiver);
    });

    await t.test('an outage through every Retry fails the job; a redrive reruns only the unfinished', async (t) => {
      await writeFile(outage, '');
      const { jobId } = (await api('POST', '/v1/jobs', {
        experimentId: 'redrive',
        segmentationChannel: 'DNA',
        batchSize: 2,
        maxConcurrency: 1,
        toleratedFailurePercentage: 0,
      })) as { jobId: string };
      const failedJob = await waitForJob(() => server.url, s.key, jobId);
      t.equal(failedJob.status, 'FAILED', 'no tolerance: the Map fails');
      const before = (await readInvocations(log)).filter((i) => i.jobId === jobId);
      const attempts = before.filter((i) => i.items.includes('B10/0')).length;
      t.equal(attempts, 3, 'the batch was tried as the Retry says (1 + MaxAttempts 2)');
      const succeededBefore = new Set(before.filter((i) => !i.items.includes('B10/0')).flatMap((i) => i.items));

      await rm(outage);
      const redriven = performance.now();
      await api('POST', `/v1/jobs/${jobId}/redrive`);
      const done = await waitForJob(() => server.url, s.key, jobId);
      const recoveredS = (performance.now() - redriven) / 1000;
      t.equal(done.status, 'SUCCEEDED');
      const after = (await readInvocations(log)).filter((i) => i.jobId === jobId).slice(before.length);
      const rerun = after.flatMap((i) => i.items);
      t.same(
        rerun.filter((i) => succeededBefore.has(i)),
        [],
        'no image set that had succeeded ran again',
      );
      t.equal(rerun.length + succeededBefore.size, redrive.imageSets, 'the rest ran exactly once');
      await waitForDeliveries(receiver, 3);
      const c = await jobCounts(s, jobId);
      t.equal(c.imageRows, redrive.imageSets, 'the tables converge: one row per image set');
      t.equal(c.imagesFailed, 0);
      t.equal(c.wellRows, redrive.wells);
      t.equal(c.events, 2, 'AnalysisJobFailed, then AnalysisJobSucceeded');
      t.equal(c.deliveriesSucceeded, 2);
      report(
        '5b outage+redrive',
        c,
        { keptFromFirstRun: succeededBefore.size, rerun: rerun.length, redriveToDoneS: recoveredS.toFixed(1) },
        receiver,
      );
    });
  },
);

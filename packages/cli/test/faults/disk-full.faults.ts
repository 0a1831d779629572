import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tables } from '@platescale/db';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startReceiver, waitForDeliveries } from './helpers/receiver.js';
import { openScenario, type Scenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

const DISK_FULL_ERROR = /ObjectStoreFullError: object store is out of space: writing 'jobs\/.*ENOSPC/;

// Scenario 8: the disk under the filesystem object store fills in the middle of a job. The segmenter workers run
// the real handler on the real filesystem store, whose temp-file write is swapped (FilesystemObjectStoreOptions.
// writeFile) for one that, while a marker file exists, writes half the bytes and fails with ENOSPC
// (fixtures/full-disk-worker.mjs).
t.test(
  'the object store disk fills mid-job: items fail naming ENOSPC, the job ends cleanly, nothing half-written',
  async (t) => {
    const s = await openScenario('disk_full');
    t.teardown(() => s.dispose());
    const receiver = await startReceiver();
    t.teardown(() => receiver.close());
    const big = await writeSmallPlate(s, { experimentId: 'big', wells: 24, fields: 2, seed: 8 });
    const small = await writeSmallPlate(s, { experimentId: 'small', wells: 6, fields: 1, seed: 9 });
    const full = join(s.home, 'disk-full');
    const server = await startServing(s.env({ FAULTS_DISK_FULL: full }));
    t.teardown(() => server.stop());
    const api = <T>(method: string, path: string, body?: unknown) => ok<T>(server.url, s.key, method, path, body);
    await api('POST', '/v1/experiments', experimentBody(big));
    await api('POST', '/v1/experiments', experimentBody(small));
    await api('POST', '/v1/webhooks', {
      url: receiver.url,
      eventTypes: ['AnalysisJobSucceeded', 'AnalysisJobPartiallySucceeded', 'AnalysisJobFailed'],
    });

    await t.test('within the tolerance: PARTIALLY_SUCCEEDED, every failure names the full disk', async (t) => {
      const { jobId } = await api<{ jobId: string }>('POST', '/v1/jobs', {
        experimentId: 'big',
        segmentationChannel: 'DNA',
        batchSize: 2,
        maxConcurrency: 2,
        toleratedFailurePercentage: 95,
      });
      await waitForJob(() => server.url, s.key, jobId, { until: (j) => j.progress.succeeded >= 4 });
      await writeFile(full, '');
      const job = await waitForJob(() => server.url, s.key, jobId);
      t.equal(job.status, 'PARTIALLY_SUCCEEDED');
      const { succeeded, failed } = job.progress;
      t.equal(succeeded + failed, big.imageSets);
      t.ok(succeeded >= 4 && failed > 0, `the disk filled mid-job (${succeeded} stored before, ${failed} after)`);
      const rows = await imageRows(s, jobId);
      t.equal(rows.length, big.imageSets, 'one image row per image set');
      t.equal(rows.filter((r) => !r.ok).length, failed);
      t.same(
        rows.filter((r) => !r.ok && !DISK_FULL_ERROR.test(r.error ?? '')),
        [],
        'every failure is ObjectStoreFullError naming the key and ENOSPC',
      );
      await assertNothingHalfWritten(t, s, jobId, rows);
      await waitForDeliveries(receiver, 1);
      const c = await jobCounts(s, jobId);
      t.equal(c.imageRows, big.imageSets);
      t.equal(c.imagesFailed, failed);
      t.equal(c.events, 1, 'one completion event');
      t.equal(c.deliveriesSucceeded, 1);
      report('8a disk-full-mid-job', c, { stored: succeeded, failedEnospc: failed, tmpLeft: 0 }, receiver);
    });

    await t.test('no tolerance, the disk still full: every item fails, the job FAILS cleanly', async (t) => {
      const { jobId } = await api<{ jobId: string }>('POST', '/v1/jobs', {
        experimentId: 'small',
        segmentationChannel: 'DNA',
        batchSize: 2,
        maxConcurrency: 2,
        toleratedFailurePercentage: 0,
      });
      const job = await waitForJob(() => server.url, s.key, jobId);
      t.equal(job.status, 'FAILED', 'above the tolerance: FAILED');
      t.same(job.progress, { total: small.imageSets, succeeded: 0, failed: small.imageSets, running: 0, pending: 0 });
      const rows = await imageRows(s, jobId);
      t.same(
        rows.filter((r) => !DISK_FULL_ERROR.test(r.error ?? '')),
        [],
        'every image set failed with ObjectStoreFullError',
      );
      await assertNothingHalfWritten(t, s, jobId, rows);
      await waitForDeliveries(receiver, 2);
      const c = await jobCounts(s, jobId);
      t.equal(c.imageRows, small.imageSets, 'one (failed) image row per image set');
      t.equal(c.imagesFailed, small.imageSets);
      t.equal(c.events, 1, 'one completion event (AnalysisJobFailed)');
      t.equal(c.deliveriesSucceeded, 1);
      report('8b disk-full-no-tolerance', c, { tmpLeft: 0 }, receiver);
    });
  },
);

async function imageRows(s: Scenario, jobId: string) {
  const { imageResults } = tables;
  return s.database.db.select().from(imageResults).where(eq(imageResults.jobId, jobId));
}

/**
 * The job's stored outputs are exactly those of its succeeded image sets (both of each pair, nothing of a failed
 * one), and no temp file of a failed write is left in the store.
 */
async function assertNothingHalfWritten(
  t: Test,
  s: Scenario,
  jobId: string,
  rows: { ok: boolean; objectsKey: string | null; maskKey: string | null }[],
) {
  const referenced = rows
    .filter((r) => r.ok)
    .flatMap((r) => [r.objectsKey, r.maskKey])
    .sort();
  const stored: string[] = [];
  let token: string | undefined;
  do {
    const page = await s.objects.list(`jobs/${jobId}/`, token ? { continuationToken: token } : {});
    stored.push(...page.objects.map((o) => o.key).filter((k) => /\/(masks|objects)\//.test(k)));
    token = page.nextContinuationToken;
  } while (token);
  t.same(stored.sort(), referenced, 'stored outputs = the succeeded image sets’ pairs, nothing of a failed one');
  t.same(await readdir(join(s.home, 'objects', '.tmp')).catch(() => []), [], 'no temp file left');
}

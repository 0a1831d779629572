import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePlate } from '@platescale/synthetic';
import t from 'tap';
import { ApiRequestError } from '../../src/lib/api-client.js';
import { fetchAll } from '../../src/lib/results.js';
import type { ImageRow } from '../../src/lib/run-job.js';
import { startTestPlatform } from '../helpers/platform.js';

// One real job on the embedded runtime, through the HTTP API: the ASL file on the local engine, segmenter batches
// on the worker pool, the aggregator, the completion event updating the job row.
t.test('a job over a small plate with one corrupt image', async (t) => {
  const env = await startTestPlatform();
  t.teardown(() => env.close());
  const { client, platform } = env;
  const { objects } = platform.runtime;

  const dir = await mkdtemp(join(tmpdir(), 'platescale-plate-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(dir, { plate: 'P1', wells: ['A01', 'A12', 'B05'], fields: 1, seed: 7 });
  const prefix = 'tenants/e2e/experiments/e2e/';
  for (const name of await readdir(dir)) {
    if (name.endsWith('.tif')) await objects.put(`${prefix}${name}`, await readFile(join(dir, name)));
  }
  // B05's DNA image is cut short: that field must fail alone, naming the file.
  const broken = `${prefix}P1_B05_s1_w1.tif`;
  await objects.put(broken, (await objects.get(broken)).subarray(0, 300));
  await objects.put(`${prefix}README.txt`, 'not an image');

  await client.request('POST', '/v1/experiments', {
    experimentId: 'e2e',
    plateFormat: 96,
    imagePrefix: prefix,
    naming: 'auto',
    channels: ['DNA', 'CellStain'],
  });
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', {
    experimentId: 'e2e',
    segmentationChannel: 'DNA',
    batchSize: 2,
    maxConcurrency: 2,
    toleratedFailurePercentage: 50,
  });
  const job = await client.waitForJob(jobId, () => undefined, 100);
  t.equal(job.status, 'PARTIALLY_SUCCEEDED', 'the job ends with the rest counted');

  const images = await fetchAll<ImageRow>(client, jobId, 'image');
  t.equal(images.length, 3);
  const failed = images.filter((i) => !i.ok);
  t.equal(failed.length, 1);
  t.equal(failed[0]?.well, 'B05');
  t.match(failed[0]?.error, /P1_B05_s1_w1\.tif/, 'the failure names the file');

  const wells = await fetchAll<{ well: string; cellCount: number; fieldsFailed: number }>(client, jobId, 'well');
  for (const f of truth.fields.filter((f) => f.well !== 'B05')) {
    const w = wells.find((x) => x.well === f.well);
    t.ok(w, `well ${f.well} has results`);
    t.ok(
      Math.abs((w?.cellCount ?? 0) - f.trueCount) <= Math.max(2, 0.1 * f.trueCount),
      `${f.well}: ${w?.cellCount} nuclei, truth ${f.trueCount}`,
    );
  }
  t.equal(wells.find((w) => w.well === 'B05')?.fieldsFailed, 1);
});

t.test('bad input gets a clear 4xx and the process stays up', async (t) => {
  const env = await startTestPlatform();
  t.teardown(() => env.close());
  const { client } = env;
  const status = async (method: string, path: string, body?: unknown) => {
    try {
      await client.request(method, path, body);
      return 200;
    } catch (err) {
      if (err instanceof ApiRequestError) return err.status;
      throw err;
    }
  };
  t.equal(
    await status('POST', '/v1/jobs', { experimentId: 'nope', segmentationChannel: 'DNA' }),
    404,
    'unknown experiment',
  );
  await client.request('POST', '/v1/experiments', {
    experimentId: 'exp',
    plateFormat: 96,
    imagePrefix: 'tenants/e2e/experiments/exp/',
    naming: 'auto',
    channels: ['DNA'],
  });
  const cap = env.platform.runtime.config.MAX_CONCURRENCY_CAP;
  t.equal(
    await status('POST', '/v1/jobs', { experimentId: 'exp', segmentationChannel: 'DNA', maxConcurrency: cap + 1 }),
    400,
    'maxConcurrency over the cap',
  );
  t.equal(await status('POST', '/v1/jobs', { experimentId: 'exp', segmentationChannel: 'DNA', batchSize: 0 }), 400);
  t.equal(
    await status('POST', '/v1/experiments', {
      experimentId: 'outside',
      plateFormat: 96,
      imagePrefix: 'tenants/e2e/experiments/outside/',
      naming: 'manifest',
      channels: ['DNA'],
      manifest: [
        { plate: 'P', well: 'A01', field: 0, images: { DNA: 'tenants/e2e/experiments/other/P_A01_s1_w1.tif' } },
      ],
    }),
    400,
    'an image key outside the experiment prefix is refused',
  );
  t.equal(await status('GET', '/health/live'), 200, 'still up');
});

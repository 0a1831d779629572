import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRuntime } from '@platescale/runtime';
import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { buildApp } from '../../../src/app.js';
import { createApiKey } from '../../../src/auth/keys.js';

// The whole embedded platform: a model trained through the API runs in a job on the local engine's worker pool.
const home = t.testdir();
const runtime = await createRuntime({
  env: { ...process.env, PLATESCALE_HOME: home, WORKERS: '1', DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent' },
});
const app = await buildApp({ ...runtime, db: runtime.database, logger: false });
await runtime.start();
t.teardown(async () => {
  await app.close();
  await runtime.close();
});
const { key } = await createApiKey(runtime.database, {
  tenant: 'lab',
  scopes: ['jobs:read', 'jobs:write', 'models:write'],
});
const headers = { authorization: `Bearer ${key}` };
const SIZE = 192;
const WELLS = ['A01', 'A02', 'B01'];
const files = join(home, 'files');
mkdirSync(files);
for (const [i, well] of WELLS.entries()) {
  const field = renderField({ width: SIZE, height: SIZE, seed: 10 + i, count: 16, radius: [5, 9] });
  const tiff = await encodeTiff(field.channels[0], SIZE, SIZE, 16);
  await runtime.objects.put(`tenants/lab/exp/P1_${well}_s1_w1.tif`, tiff);
  writeFileSync(join(files, `P1_${well}_s1_w1.tif`), tiff);
  const labels = paintStrokes(field.labels, { width: SIZE, height: SIZE, seed: i, fraction: 0.02 });
  await runtime.objects.put(
    `tenants/lab/labels/${well}.png`,
    await sharp(labels, { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

t.test("a job runs the trained model; its counts equal 'segment --model' on the same images", async (t) => {
  const trained = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers,
    payload: {
      name: 'nuclei',
      classes: ['background', 'nucleus'],
      channels: ['DNA'],
      images: ['A01', 'A02'].map((w) => ({
        channels: { DNA: `tenants/lab/exp/P1_${w}_s1_w1.tif` },
        labels: `tenants/lab/labels/${w}.png`,
      })),
    },
  });
  t.equal(trained.statusCode, 201, trained.body);
  const model = trained.json();
  const experiment = {
    experimentId: 'E1',
    plateFormat: 96,
    imagePrefix: 'tenants/lab/exp/',
    naming: 'imagexpress',
    channels: ['DNA'],
  };
  t.equal((await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: experiment })).statusCode, 201);
  const submitted = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers,
    payload: { experimentId: 'E1', segmentationChannel: 'DNA', modelId: model.modelId },
  });
  t.equal(submitted.statusCode, 202, submitted.body);
  t.equal(submitted.json().modelKey, model.objectKey, 'the job runs the registered file');
  const { jobId } = submitted.json();
  let status = '';
  for (let i = 0; i < 240 && !['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED'].includes(status); i++) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await app.inject({ url: `/v1/jobs/${jobId}`, headers })).json().status;
  }
  t.equal(status, 'SUCCEEDED');
  const results = (await app.inject({ url: `/v1/jobs/${jobId}/results?level=image`, headers })).json();
  const jobCounts = Object.fromEntries(
    results.items.map((r: { well: string; cellCount: number }) => [r.well, r.cellCount]),
  );

  // The CLI, in its own process, on the file downloaded from the registry.
  const modelFile = join(home, 'model.onnx');
  writeFileSync(modelFile, (await app.inject({ url: model.links.file, headers })).rawPayload);
  const root = fileURLToPath(new URL('../../../../../', import.meta.url));
  const report = join(home, 'segment.json');
  execFileSync(
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'packages/cli/src/main.ts'), 'segment', files, '--model', modelFile, '--json', report],
    { stdio: 'ignore' },
  );
  const cli = JSON.parse(readFileSync(report, 'utf8')) as { images: { file: string; count: number }[] };
  const cliCounts = Object.fromEntries(cli.images.map((i) => [/_([A-H]\d\d)_/.exec(i.file)![1]!, i.count]));
  t.same(jobCounts, cliCounts);
  t.same(Object.keys(jobCounts).sort(), WELLS);
  for (const count of Object.values(jobCounts)) t.ok((count as number) >= 12, `${count} nuclei found of 16`);
});

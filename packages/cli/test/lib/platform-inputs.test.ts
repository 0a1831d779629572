import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@platescale/segmentation';
import { writePlate } from '@platescale/synthetic';
import t from 'tap';
import { damagedImages } from '../../../segmentation/test/helpers/damaged.js';
import { writeTiff } from '../../../segmentation/test/helpers/tiff.js';
import { fetchAll } from '../../src/lib/results.js';
import type { ImageRow } from '../../src/lib/run-job.js';
import { startTestPlatform } from '../helpers/platform.js';

const EXAMPLE = new URL('../../../../test/fixtures/example-human/', import.meta.url);
const D0 = 'AS_09125_050116030001_D03f00d0.tif';

const env = await startTestPlatform();
t.teardown(() => env.close());
const { client, platform } = env;
const { objects } = platform.runtime;

// Whole jobs on the embedded platform (ASL on the local engine, worker pool, aggregator), through the HTTP API.
t.test('a truncated TIFF among good images: that item fails with ImageDecodeError, the others succeed', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'platescale-damaged-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(dir, { plate: 'P1', wells: ['A01', 'A02', 'A03', 'B01'], fields: 1, seed: 3 });
  const prefix = 'tenants/e2e/experiments/damaged/';
  const manifest = [];
  for (const f of truth.fields) {
    const images: Record<string, string> = {};
    for (const [c, name] of f.files.entries()) {
      images[truth.channels[c]!] = `${prefix}${name}`;
      await objects.put(`${prefix}${name}`, await readFile(join(dir, name)));
    }
    manifest.push({ plate: 'P1', well: f.well, field: f.field, images });
  }
  // The defect as found: the real example field with its directory first, cut to its first 120 kB.
  const example = await decodeImage(D0, await readFile(new URL(D0, EXAMPLE)), { maxPixels: 1 << 20 });
  const whole = writeTiff({ width: 512, height: 512, data: example.data, rowsPerStrip: 16 });
  const truncated = `${prefix}AS_09125_050116030001_D03f00d0.tif`;
  await objects.put(truncated, whole.subarray(0, 120_000));
  manifest.push({ plate: 'AS_09125_050116030001', well: 'D03', field: 0, images: { DNA: truncated } });
  // And every variant of the damaged corpus, each a field of its own.
  const corpus = await damagedImages();
  for (const [i, d] of corpus.entries()) {
    await objects.put(`${prefix}damaged/${d.name}`, d.bytes);
    manifest.push({ plate: 'DAMAGED', well: 'H12', field: i, images: { DNA: `${prefix}damaged/${d.name}` } });
  }

  await client.request('POST', '/v1/experiments', {
    experimentId: 'damaged',
    plateFormat: 96,
    imagePrefix: prefix,
    naming: 'manifest',
    channels: truth.channels,
    manifest,
  });
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', {
    experimentId: 'damaged',
    segmentationChannel: 'DNA',
    batchSize: 8,
    maxConcurrency: 2,
    toleratedFailurePercentage: 100,
  });
  const job = await client.waitForJob(jobId, () => undefined, 200);
  t.equal(job.status, 'PARTIALLY_SUCCEEDED');
  const images = await fetchAll<ImageRow>(client, jobId, 'image');
  t.equal(images.length, truth.fields.length + 1 + corpus.length);

  const good = images.filter((i) => i.plate === 'P1');
  t.same(
    good.map((i) => [i.well, i.ok]),
    truth.fields.map((f) => [f.well, true]),
    'every good image succeeds',
  );
  // 15 %: the synthetic fields hold touching clumps, dim and large nuclei, which the default model can merge or
  // split by a few; this test is about the damaged item, not segmentation accuracy (bench:accuracy measures that).
  for (const f of truth.fields) {
    const count = good.find((i) => i.well === f.well)?.cellCount ?? 0;
    t.ok(Math.abs(count - f.trueCount) <= Math.max(2, 0.15 * f.trueCount), `${f.well}: ${count} of ${f.trueCount}`);
  }
  const cut = images.find((i) => i.plate === 'AS_09125_050116030001');
  t.match(cut, { ok: false, cellCount: null });
  t.match(
    cut?.error,
    /^ImageDecodeError: cannot decode '.*D03f00d0\.tif': damaged TIFF: strip \d+ .* past the end of the file \(120000 bytes\)/,
  );
  const damaged = images.filter((i) => i.plate === 'DAMAGED');
  t.equal(damaged.length, corpus.length);
  for (const row of damaged) {
    const { name, reason } = corpus[row.field]!;
    t.equal(row.ok, false, name);
    t.match(row.error, `ImageDecodeError: cannot decode '${prefix}damaged/${name}': `, name);
    t.match(row.error, reason, name);
  }
});

t.test('an experiment whose segmentation channel has no image fails at its first step, naming it', async (t) => {
  // A Cellomics plate imaged in d2 only, named by the default channel names: ch1 has nothing to segment.
  const prefix = 'tenants/e2e/experiments/d2-only/';
  for (const well of ['D03', 'D04']) {
    await objects.put(
      `${prefix}AS_09125_050116030001_${well}f00d2.tif`,
      await readFile(new URL('AS_09125_050116030001_D03f00d2.tif', EXAMPLE)),
    );
  }
  await client.request('POST', '/v1/experiments', {
    experimentId: 'd2-only',
    plateFormat: 96,
    imagePrefix: prefix,
    naming: 'cellomics',
    channels: ['ch1', 'ch2', 'ch3'],
  });
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', {
    experimentId: 'd2-only',
    segmentationChannel: 'ch1',
  });
  const job = await client.waitForJob(jobId, () => undefined, 100);
  t.equal(job.status, 'FAILED');
  t.match(job.error, {
    error: 'SegmentationChannelMissingError',
    cause: /no image of the segmentation channel 'ch1' under '.*d2-only\/' \(channels with images: ch3\)/,
  });
  t.same(job.progress, { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 }, 'nothing was segmented');
  t.same(await fetchAll(client, jobId, 'image'), []);
});

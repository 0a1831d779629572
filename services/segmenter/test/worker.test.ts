import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemObjectStore } from '@platescale/adapters';
import type { SegmentBatchEvent } from '@platescale/shared';
import t from 'tap';
import { discField, encode, grid } from '../../../packages/segmentation/test/helpers/images.js';

t.test('the piscina worker module and the Lambda entry segment a batch from the configured store', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'segmenter-worker-'));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  process.env.PLATESCALE_HOME = home;
  process.env.POWERTOOLS_DEV = 'true';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const store = createFilesystemObjectStore(join(home, 'objects'), 'platescale');
  await store.put('exp/A01-DNA.png', await encode(discField(96, 96, grid(5, 96, 6), 16), 96, 96, 'png'));
  const event: SegmentBatchEvent = {
    BatchInput: {
      jobId: 'j',
      bucket: 'platescale',
      resultsPrefix: 'results/j/',
      segmentationChannel: 'DNA',
      modelKey: null,
      objectDiameter: null,
    },
    Items: [{ plate: 'P', well: 'A01', field: 0, images: { DNA: 'exp/A01-DNA.png' } }],
  };
  const worker = await import('../src/worker.js');
  const viaWorker = await worker.default(event);
  t.match(viaWorker.results[0], { ok: true, count: 5, maskKey: 'results/j/masks/P/A01/f0.png' });
  t.ok(await store.head('results/j/objects/P/A01/f0.jsonl.gz'), 'per-object table written to the store');
  const { handler } = await import('../src/lambda.js');
  const viaLambda = await handler(event);
  t.match(viaLambda.results[0], { ok: true, count: 5 });
});

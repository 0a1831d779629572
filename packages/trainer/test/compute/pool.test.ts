import t from 'tap';
import { inProcessCompute } from '../../src/compute/in-process.js';
import { createComputePool } from '../../src/compute/pool.js';
import { NotAnImageError, TrainingInputError } from '../../src/errors.js';
import { syntheticFiles } from '../fixtures/fields.js';

const compute = createComputePool({ idleTimeoutMs: 1_000 });
t.teardown(() => compute.close());

const options = { classes: ['background', 'nucleus'], channels: ['DNA'], seed: 3 };
const { image, label } = await syntheticFiles(11);
const files = [{ channels: [{ name: 'f11.tif', bytes: image }], labels: { name: 'f11.png', bytes: label } }];

t.test('the pool trains on a worker thread what the same code trains in process', async (t) => {
  const [pooled, local] = await Promise.all([compute.train(files, options), inProcessCompute.train(files, options)]);
  t.same(Buffer.from(pooled.bytes), Buffer.from(local.bytes), 'same model bytes');
  t.same(pooled.result.labelCounts, local.result.labelCounts);

  const request = { model: pooled.bytes, files: files[0]!.channels, channels: 1, kind: 'mask' as const, foreground: 1 };
  const png = await compute.preview(request);
  t.ok(Buffer.isBuffer(png), 'a Buffer again');
  t.same(png, await inProcessCompute.preview(request), 'same preview PNG');
});

t.test("the trainer's errors cross the thread boundary as the classes they were thrown as", async (t) => {
  await t.rejects(compute.train(files, { ...options, classes: ['background'] }), TrainingInputError);
  const err = await compute.train(files, { ...options, trees: 5 }).catch((e: unknown) => e);
  t.ok(err instanceof TrainingInputError, 'TrainingInputError');
  t.match(err, { field: 'trees', status: 400, code: 'invalid_training_input' });

  const text = { name: 'notes.txt', bytes: Buffer.from('not an image') };
  const notImage = await compute.train([{ ...files[0]!, channels: [text] }], options).catch((e: unknown) => e);
  t.ok(notImage instanceof NotAnImageError, 'NotAnImageError');
  t.match(notImage, { code: 'not_an_image', details: { file: 'notes.txt' }, message: /'notes.txt' is not a readable/ });
});

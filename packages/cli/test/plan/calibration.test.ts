import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFilesystemObjectStore } from '@platescale/adapters';
import { createLocalWorkflow, type LambdaHandler } from '@platescale/engine';
import t from 'tap';
import { batchMapDefinition } from '../../../engine/test/helpers/batch-map.js';
import { localEnvironment } from '../../src/plan/environments.js';
import { predict } from '../../src/plan/model.js';

const POOL = 2;

/** The analysis Map's shape: items from a JSON manifest, batches through a Lambda task, a ResultWriter. */
const definition = (batchSize: number) =>
  batchMapDefinition({
    bucket: 'calibration',
    itemsKey: 'manifest.json',
    batchSize,
    batchInput: { 'secondsPerImage.$': '$.secondsPerImage' },
    functionName: 'segment',
  });

/** A segmenter stand-in that takes S seconds per image of its batch (waiting, as a busy worker would). */
const segment: LambdaHandler = async (event) => {
  const { BatchInput, Items } = event as { BatchInput: { secondsPerImage: number }; Items: unknown[] };
  if (BatchInput.secondsPerImage > 0) await sleep(Items.length * BatchInput.secondsPerImage * 1000);
  return { results: Items.map((_, i) => ({ i, ok: true })) };
};

t.test('the plan model, given the local pool and measured overheads, predicts a local run within 25 %', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'plan-calibration-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const objects = createFilesystemObjectStore(dir, 'calibration');

  async function runMap(images: number, batchSize: number, secondsPerImage: number): Promise<number> {
    const items = Array.from({ length: images }, (_, i) => ({ plate: 'P', well: 'A01', field: i }));
    await objects.put('manifest.json', JSON.stringify(items));
    const workflow = createLocalWorkflow({
      definition: definition(batchSize),
      lambdas: { segment },
      objects,
      poolSize: POOL,
    });
    try {
      const t0 = performance.now();
      const { executionArn } = await workflow.start(`run-${batchSize}-${secondsPerImage}`, { secondsPerImage });
      const done = await workflow.wait(executionArn);
      if (done.status !== 'SUCCEEDED') throw new Error(`calibration run ${done.status}: ${done.cause}`);
      return (performance.now() - t0) / 1000;
    } finally {
      await workflow.close();
    }
  }

  // Measure: the engine's own cost per child, from a run whose segmenter answers at once.
  await runMap(200, 4, 0);
  const idle = { images: 400, batchSize: 4, secondsPerImage: 0 };
  const idleSeconds = await runMap(idle.images, idle.batchSize, 0);
  const waves = Math.ceil(Math.ceil(idle.images / idle.batchSize) / POOL);
  const env = localEnvironment({ poolSize: POOL, perChildSeconds: idleSeconds / waves });

  // Predict a different job (other batch size, real per-image time), then run it.
  const job = { images: 300, batchSize: 10, secondsPerImage: 0.02, maxConcurrency: 40 };
  const predicted = predict(job, env).predictedWallSeconds;
  const measured = await runMap(job.images, job.batchSize, job.secondsPerImage);
  t.comment(
    `per-child overhead ${(env.perChildSeconds * 1000).toFixed(1)} ms; predicted ${predicted} s, measured ${measured.toFixed(2)} s`,
  );
  t.ok(
    Math.abs(predicted - measured) / measured <= 0.25,
    `predicted ${predicted} s vs measured ${measured.toFixed(2)} s`,
  );
});

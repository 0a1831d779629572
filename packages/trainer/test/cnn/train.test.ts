import t from 'tap';
import type { TrainingImage } from '../../src/cnn/patches.js';
import { learningRateAt, type NetworkTrainingOptions, trainNetwork } from '../../src/cnn/train.js';
import { discGrid } from '../fixtures/discs.js';
import { TINY_SPEC } from '../fixtures/networks.js';

const field = discGrid(64, 12);
const images: TrainingImage[] = [{ name: 'discs', ...field, width: 64, height: 64, diameter: 12 }];

const options = (steps: number, losses?: number[]): NetworkTrainingOptions => ({
  spec: TINY_SPEC,
  steps,
  batch: 2,
  patch: { size: 24, canonicalDiameter: 12, scaleJitter: 1, augment: false },
  seed: 5,
  learningRate: 0.02,
  ...(losses ? { progress: { every: 1, report: (_step, loss) => losses.push(loss) } } : {}),
});

t.test('a few steps on bright discs reduce the loss', async (t) => {
  const losses: number[] = [];
  await trainNetwork(images, options(40, losses));
  t.equal(losses.length, 40, 'one report per step');
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const first = mean(losses.slice(0, 5));
  const last = mean(losses.slice(-5));
  t.ok(last < 0.6 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
});

t.test('the same seed gives the same weights; fine-tuning starts from the given ones', async (t) => {
  const a = await trainNetwork(images, options(3));
  const b = await trainNetwork(images, options(3));
  for (const [name, w] of Object.entries(a)) {
    t.same(b[name]!.kernel, w.kernel, `${name} kernel`);
    t.same(b[name]!.bias, w.bias, `${name} bias`);
  }
  const c = await trainNetwork(images, { ...options(3), seed: 6 });
  t.notSame(c.logits!.kernel, a.logits!.kernel, 'another seed, other weights');
  // Zero learning rate: the initial weights come back unchanged.
  const still = await trainNetwork(images, { ...options(2), learningRate: 0, initial: a });
  t.same(still.enc0_0!.kernel, a.enc0_0!.kernel);
});

t.test('the learning rate warms up over 2 % of the steps, then decays by a cosine to 2 %', async (t) => {
  const o = { steps: 1000, learningRate: 0.01 };
  t.equal(learningRateAt(0, o), 0.01 / 20);
  t.equal(learningRateAt(19, o), 0.01);
  t.equal(learningRateAt(20, o), 0.01);
  t.ok(Math.abs(learningRateAt(510, o) - 0.01 * (0.02 + 0.49)) < 1e-9, 'half-way: half of the range');
  t.ok(Math.abs(learningRateAt(1000, o) - 0.01 * 0.02) < 1e-9, 'the end: 2 %');
});

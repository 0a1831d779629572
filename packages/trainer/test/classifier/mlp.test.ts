import t from 'tap';
import { standardization, stratifiedSplit } from '../../src/classifier/dataset.js';
import { DEFAULT_MLP_OPTIONS, predict, trainMlp } from '../../src/classifier/mlp.js';
import { seededRandom } from '../../src/classifier/random.js';
import { accuracy, ring } from './toy-sets.js';

t.test('the MLP learns a non-linear boundary on raw features (standardization is folded in)', async (t) => {
  const train = ring(3000, 1);
  const mlp = await trainMlp(train, standardization(train), { ...DEFAULT_MLP_OPTIONS, epochs: 40 });
  t.ok(accuracy(ring(1000, 2), (row) => predict(mlp, row)) > 0.95, 'held-out accuracy');
  t.same(
    mlp.layers.map((l) => [l.inputs, l.outputs]),
    [
      [3, DEFAULT_MLP_OPTIONS.hidden],
      [DEFAULT_MLP_OPTIONS.hidden, 2],
    ],
  );
});

t.test('hidden 0 is logistic regression; training is deterministic given the seed', async (t) => {
  const train = ring(500, 3);
  const logistic = await trainMlp(train, standardization(train), { ...DEFAULT_MLP_OPTIONS, hidden: 0, epochs: 5 });
  t.equal(logistic.layers.length, 1);
  const a = await trainMlp(train, standardization(train), { ...DEFAULT_MLP_OPTIONS, epochs: 3, seed: 9 });
  const b = await trainMlp(train, standardization(train), { ...DEFAULT_MLP_OPTIONS, epochs: 3, seed: 9 });
  const c = await trainMlp(train, standardization(train), { ...DEFAULT_MLP_OPTIONS, epochs: 3, seed: 10 });
  t.same(a, b);
  t.notSame(a, c);
});

t.test('a stratified split holds out a share of every class', async (t) => {
  const samples = ring(1000, 4);
  const { train, heldOut } = stratifiedSplit(samples, 0.2, seededRandom(1));
  t.equal(train.length + heldOut.length, 1000);
  const held = Array.from(heldOut, (i) => samples.classes[i]!);
  t.ok(held.includes(0) && held.includes(1));
  t.equal(new Set([...train, ...heldOut]).size, 1000, 'a partition');
});

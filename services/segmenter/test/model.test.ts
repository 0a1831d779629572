import { readFileSync } from 'node:fs';
import { encodeModel, GraphBuilder } from '@platescale/onnx';
import t from 'tap';
import { buildDefaultModel } from '../src/default-model.js';
import { loadModel, predict } from '../src/model.js';
import { DEFAULT_MODEL_PATH } from '../src/model-cache.js';

function model(inputShape: (number | string)[], type: 'float32' | 'int64' = 'float32', metadata = {}) {
  const g = new GraphBuilder('m');
  const x = g.input('x', type, inputShape);
  const [y] = g.node('Identity', [x]);
  g.output(y!, type, inputShape);
  return encodeModel(g.build(), { metadata });
}

t.test('the committed default model is what scripts/build-default-model.ts builds', async (t) => {
  t.same(Buffer.from(readFileSync(DEFAULT_MODEL_PATH)), Buffer.from(buildDefaultModel()));
  const m = await loadModel('default', buildDefaultModel());
  t.match(m, { channels: 1, output: 'intensity', threshold: 'otsu', halo: 2, objects: 'Nuclei' });
});

t.test('input and output shapes and types are checked at load', async (t) => {
  await t.rejects(loadModel('rank3', model([1, 'H', 'W'])), {
    name: 'ModelContractError',
    message: /'rank3'.*\[1,C,H,W\]/,
  });
  await t.rejects(loadModel('ints', model([1, 1, 'H', 'W'], 'int64')), /must be a float32 tensor/);
  await t.rejects(
    loadModel('thr', model([1, 1, 'H', 'W'], 'float32', { 'platescale.threshold': '7' })),
    /probability in \(0,1\)/,
  );
  const ok = await loadModel('logits', model([1, 1, 'H', 'W'], 'float32', { 'platescale.output': 'logits' }));
  t.match(ok, { output: 'logits', threshold: 0.5 });
});

t.test('tiles cover the image exactly once', async (t) => {
  const m = await loadModel('id', model([1, 1, 'H', 'W']));
  const data = Float32Array.from({ length: 70 * 50 }, (_, i) => i);
  t.same(await predict(m, [data], 70, 50, 16), data);
});

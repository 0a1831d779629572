import { readFileSync } from 'node:fs';
import { encodeModel, GraphBuilder, readModelMetadata } from '@platescale/onnx';
import t from 'tap';
import { loadModel, predict } from '../src/model.js';
import { DEFAULT_MODEL_PATH } from '../src/model-cache.js';

function model(inputShape: (number | string)[], type: 'float32' | 'int64' = 'float32', metadata = {}) {
  const g = new GraphBuilder('m');
  const x = g.input('x', type, inputShape);
  const [y] = g.node('Identity', [x]);
  g.output(y!, type, inputShape);
  return encodeModel(g.build(), { metadata });
}

t.test('the committed default model is a trained pixel classifier the segmenter thresholds at 0.5', async (t) => {
  const bytes = readFileSync(DEFAULT_MODEL_PATH);
  t.match(readModelMetadata(bytes), {
    'platescale.channels': '["DNA"]',
    'platescale.normalization': 'percentile',
  });
  const m = await loadModel('default', bytes);
  t.match(m, { channels: 1, channelNames: ['DNA'], output: 'probability', threshold: 0.5, objects: 'Nuclei' });
});

t.test('an intensity model is cut by Li unless it names another threshold', async (t) => {
  const li = await loadModel('smooth', model([1, 1, 'H', 'W'], 'float32', { 'platescale.output': 'intensity' }));
  t.match(li, { output: 'intensity', threshold: 'li' });
  const otsu = await loadModel(
    'smooth',
    model([1, 1, 'H', 'W'], 'float32', { 'platescale.output': 'intensity', 'platescale.threshold': 'otsu' }),
  );
  t.match(otsu, { output: 'intensity', threshold: 'otsu' });
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
  t.same(await predict(m, [data], 70, 50, 16), [data]);
});

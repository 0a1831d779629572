import { readFileSync } from 'node:fs';
import { encodeModel, GraphBuilder, readModelMetadata } from '@platescale/onnx';
import t from 'tap';
import { MODEL_METADATA } from '../src/metadata.js';
import { loadModel, predict } from '../src/model.js';
import { DEFAULT_MODEL_PATH } from '../src/model-cache.js';
import { thresholdClassesModel } from './helpers/models.js';

function model(inputShape: (number | string)[], type: 'float32' | 'int64' = 'float32', metadata = {}) {
  const g = new GraphBuilder('m');
  const x = g.input('x', type, inputShape);
  const [y] = g.node('Identity', [x]);
  g.output(y!, type, inputShape);
  return encodeModel(g.build(), { metadata });
}

t.test(
  'the committed default model is a nuclei network: normalised input, class planes, a working diameter',
  async (t) => {
    const bytes = readFileSync(DEFAULT_MODEL_PATH);
    t.match(readModelMetadata(bytes), { 'platescale.output': 'classes', 'platescale.input': 'normalized' });
    const m = await loadModel('default', bytes);
    t.match(m, {
      channels: 1,
      output: 'classes',
      input: 'normalized',
      classes: ['background', 'interior', 'boundary'],
      diameter: 12,
      objects: 'Nuclei',
    });
    t.ok(m.multiple > 1, 'input padded to the network’s pooling multiple');
  },
);

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

t.test("a 'classes' model's metadata: classes, normalised input, working diameter, size multiple, halo", async (t) => {
  const m = await loadModel(
    'classes',
    thresholdClassesModel({
      [MODEL_METADATA.multiple]: '4',
      [MODEL_METADATA.halo]: '9',
      [MODEL_METADATA.objects]: 'Cells',
    }),
  );
  t.match(m, {
    output: 'classes',
    classes: ['background', 'interior', 'boundary'],
    input: 'normalized',
    diameter: 10,
    multiple: 4,
    halo: 9,
    objects: 'Cells',
    channels: 1,
  });
  t.notOk('channelNames' in m, 'no channel names unless declared');
  const plain = await loadModel('plain', model([1, 1, 'H', 'W']));
  t.match(plain, { input: 'raw', multiple: 1, output: 'probability' });
  t.equal(plain.diameter, undefined, 'no working diameter: the model runs at the image scale');
});

t.test("a 'classes' model must name the instance classes and a sane diameter and multiple", async (t) => {
  const refused = async (metadata: Record<string, string>, message: RegExp) =>
    t.rejects(loadModel('bad', thresholdClassesModel(metadata)), { name: 'ModelContractError', message });
  await refused(
    { [MODEL_METADATA.classes]: '["background","interior","edge"]' },
    /must name background, interior, boundary/,
  );
  await refused({ [MODEL_METADATA.classes]: 'not json' }, /must name background/);
  await refused({ [MODEL_METADATA.diameter]: '600' }, /must be 2–512 px/);
  await refused({ [MODEL_METADATA.diameter]: 'wide' }, /must be 2–512 px/);
  await refused({ [MODEL_METADATA.multiple]: '0' }, /must be 1–256/);
  await refused({ [MODEL_METADATA.input]: 'scaled' }, /must be raw or normalized/);
  await refused(
    { [MODEL_METADATA.classes]: '["background","interior","boundary","debris"]' },
    /output must be \[1,4,H,W\]/,
  );
});

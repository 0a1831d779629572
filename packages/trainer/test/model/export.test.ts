import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelMetadata } from '@platescale/onnx';
import { DEFAULT_SEGMENT_OPTIONS, ModelCache, segmentImageSet } from '@platescale/segmenter';
import t from 'tap';
import { predict } from '../../src/classifier/mlp.js';
import { featuresAt } from '../../src/features/extract.js';
import { encodePixelClassifier } from '../../src/model/export.js';
import { classifyPixels } from '../../src/predict.js';
import { trainPixelClassifier } from '../../src/train.js';
import { syntheticField } from '../fixtures/fields.js';

const train = syntheticField(1);
const result = await trainPixelClassifier({
  images: [train.image],
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
  classifier: { epochs: 15 },
});
const bytes = encodePixelClassifier(result.classifier);

t.test('the file is deterministic and describes itself in metadata_props', async (t) => {
  t.same(encodePixelClassifier(result.classifier), bytes);
  t.match(readModelMetadata(bytes), {
    'platescale.output': 'probability',
    'platescale.threshold': '0.5',
    'platescale.halo': '32',
    'platescale.objects': 'Nuclei',
    'platescale.classes': '["background","nucleus"]',
    'platescale.channels': '["DNA"]',
    'platescale.foreground': 'nucleus',
  });
});

t.test('a fresh onnxruntime with no project code loads and runs the file', async (t) => {
  const file = join(t.testdir(), 'model.onnx');
  writeFileSync(file, bytes);
  // Plain Node in the package folder: only onnxruntime-node resolves, no tsx, no platescale module.
  const script = `
    const ort = require('onnxruntime-node');
    ort.InferenceSession.create(process.argv[1]).then(async (s) => {
      const out = await s.run({ image: new ort.Tensor('float32', new Float32Array(40 * 50).fill(0.01), [1, 1, 40, 50]) });
      console.log(JSON.stringify({ inputs: s.inputNames, outputs: s.outputNames, f: out.foreground.dims, p: out.probabilities.dims }));
    });`;
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script, file], { cwd, encoding: 'utf8' }));
  t.same(out, { inputs: ['image'], outputs: ['foreground', 'probabilities'], f: [1, 1, 40, 50], p: [1, 2, 40, 50] });
});

t.test('the graph computes what the trainer measured: the classifier on the bank’s features', async (t) => {
  const held = syntheticField(9);
  const pixels = Uint32Array.from([0, 500, 12_345, 20_000, 36_863]);
  const { rows, width } = await featuresAt(held.image.planes, result.classifier, pixels);
  const probabilities = await classifyPixels(bytes, held.image.planes, 1);
  const area = 192 * 192;
  pixels.forEach((p, i) => {
    const expected = predict(result.classifier.mlp, rows.subarray(i * width, (i + 1) * width));
    t.ok(Math.abs(probabilities.data[area + p]! - expected[1]!) < 1e-4, `pixel ${p}`);
  });
});

t.test('the segmenter runs the model unchanged and counts the held-out nuclei', async (t) => {
  const file = join(t.testdir(), 'model.onnx');
  writeFileSync(file, bytes);
  const loaded = await new ModelCache().fromFile(file);
  t.match(loaded, { output: 'probability', threshold: 0.5, halo: 32, channels: 1, objects: 'Nuclei' });
  const held = syntheticField(11);
  const channel = { name: 'DNA', data: held.image.planes.data };
  const seg = await segmentImageSet(loaded, channel, [channel], 192, 192, DEFAULT_SEGMENT_OPTIONS);
  t.ok(Math.abs(seg.table.count - held.field.count) <= 2, `${seg.table.count} objects for ${held.field.count} nuclei`);
});

t.test('every class layout exports the classifier the trainer measured (softmax, two-class sigmoid)', async (t) => {
  const held = syntheticField(9);
  const area = 192 * 192;
  const pixels = Uint32Array.from([0, 500, 12_345, 20_000, 36_863]);
  // A third class: every other background stroke pixel (what it means does not matter here, only the arithmetic).
  const three = { ...train.image, labels: train.image.labels.map((v, i) => (v === 1 && i % 2 === 0 ? 3 : v)) };
  const cases = [
    { name: 'three classes, logistic', images: [three], classes: ['background', 'nucleus', 'rim'], hidden: 0 },
    { name: 'two classes, foreground first', images: [train.image], classes: ['background', 'nucleus'], hidden: 4 },
  ];
  for (const c of cases) {
    const trained = await trainPixelClassifier({
      images: c.images,
      classes: c.classes,
      channels: ['DNA'],
      foreground: 'background',
      sigmas: [1, 2, 4],
      features: ['gaussian', 'hessianMax', 'hessianMin'],
      classifier: { epochs: 5, hidden: c.hidden },
    });
    const model = encodePixelClassifier(trained.classifier);
    t.equal(readModelMetadata(model)['platescale.features'], '["gaussian","hessianMax","hessianMin"]');
    const { rows, width } = await featuresAt(held.image.planes, trained.classifier, pixels);
    t.equal(width, 9);
    const probabilities = await classifyPixels(model, held.image.planes, 1);
    pixels.forEach((p, i) => {
      const expected = predict(trained.classifier.mlp, rows.subarray(i * width, (i + 1) * width));
      expected.forEach((e, k) => {
        t.ok(Math.abs(probabilities.data[k * area + p]! - e) < 1e-4, `${c.name}: class ${k} at pixel ${p}`);
      });
    });
  }
});

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readModelMetadata } from '@platescale/onnx';
import { DEFAULT_SEGMENT_OPTIONS, ModelCache, segmentImageSet } from '@platescale/segmentation';
import t from 'tap';
import { classProbabilities } from '../../src/classifier/head.js';
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

/** Runs the file on a 40×50 image in plain Node in the package folder: only onnxruntime-node resolves. */
function runInBareOnnxruntime(dir: string, model: Uint8Array) {
  const file = join(dir, 'model.onnx');
  writeFileSync(file, model);
  const script = `
    const ort = require('onnxruntime-node');
    ort.InferenceSession.create(process.argv[1]).then(async (s) => {
      const out = await s.run({ image: new ort.Tensor('float32', new Float32Array(40 * 50).fill(0.01), [1, 1, 40, 50]) });
      console.log(JSON.stringify({ inputs: s.inputNames, outputs: s.outputNames, f: out.foreground.dims, p: out.probabilities.dims }));
    });`;
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, ['-e', script, file], { cwd, encoding: 'utf8' }));
}
const BARE_RUN = { inputs: ['image'], outputs: ['foreground', 'probabilities'], f: [1, 1, 40, 50], p: [1, 2, 40, 50] };

/** The segmenter's own pipeline on a held-out field: its count of nuclei, and the truth. */
async function segmenterCount(dir: string, model: Uint8Array) {
  const file = join(dir, 'model.onnx');
  writeFileSync(file, model);
  const loaded = await new ModelCache().fromFile(file);
  const held = syntheticField(11);
  const channel = { name: 'DNA', data: held.image.planes.data };
  const seg = await segmentImageSet(loaded, channel, [channel], 192, 192, DEFAULT_SEGMENT_OPTIONS);
  // Nuclei pressed against a neighbour: a pixel classifier may merge each with its partner.
  const clumped = held.field.nuclei.filter((n, i) => n.touches !== undefined && n.touches < i).length;
  return { loaded, count: seg.table.count, truth: held.field.count, clumped };
}

t.test('a fresh onnxruntime with no project code loads and runs the file', async (t) => {
  t.same(runInBareOnnxruntime(t.testdir(), bytes), BARE_RUN);
});

t.test('the graph computes what the trainer measured: the classifier on the bank’s features', async (t) => {
  const held = syntheticField(9);
  const pixels = Uint32Array.from([0, 500, 12_345, 20_000, 36_863]);
  const { rows, width } = await featuresAt(held.image.planes, result.classifier, pixels);
  const probabilities = await classifyPixels(bytes, held.image.planes, 1);
  const area = 192 * 192;
  pixels.forEach((p, i) => {
    const expected = classProbabilities(result.classifier.head, rows.subarray(i * width, (i + 1) * width));
    t.ok(Math.abs(probabilities.data[area + p]! - expected[1]!) < 1e-4, `pixel ${p}`);
  });
});

t.test('the segmenter runs the model unchanged and counts the held-out nuclei', async (t) => {
  const { loaded, count, truth, clumped } = await segmenterCount(t.testdir(), bytes);
  t.match(loaded, { output: 'probability', threshold: 0.5, halo: 32, channels: 1, objects: 'Nuclei' });
  t.ok(Math.abs(count - truth) <= 2 + clumped, `${count} objects for ${truth} nuclei (${clumped} in clumps)`);
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
      const expected = classProbabilities(trained.classifier.head, rows.subarray(i * width, (i + 1) * width));
      expected.forEach((e, k) => {
        t.ok(Math.abs(probabilities.data[k * area + p]! - e) < 1e-4, `${c.name}: class ${k} at pixel ${p}`);
      });
    });
  }
});

t.test(
  'a random forest exports as an ONNX-ML TreeEnsembleClassifier that computes what the trainer measured',
  async (t) => {
    const held = syntheticField(9);
    const area = 192 * 192;
    // Every 97th pixel: background, nuclei and their rims.
    const pixels = Uint32Array.from({ length: Math.floor(area / 97) }, (_, i) => i * 97);
    const three = { ...train.image, labels: train.image.labels.map((v, i) => (v === 1 && i % 2 === 0 ? 3 : v)) };
    const cases = [
      { name: 'two classes', images: [train.image], classes: ['background', 'nucleus'] },
      { name: 'three classes', images: [three], classes: ['background', 'nucleus', 'rim'] },
    ];
    for (const c of cases) {
      const request = {
        images: c.images,
        classes: c.classes,
        channels: ['DNA'],
        classifier: { kind: 'forest', trees: 20, seed: 3 } as const,
      };
      const trained = await trainPixelClassifier(request);
      const model = encodePixelClassifier(trained.classifier);
      t.same(encodePixelClassifier((await trainPixelClassifier(request)).classifier), model, `${c.name}: same bytes`);
      t.match(readModelMetadata(model), {
        'platescale.output': 'probability',
        'platescale.classifier': 'forest 20 trees depth ≤ 10',
      });
      const { rows, width } = await featuresAt(held.image.planes, trained.classifier, pixels);
      const probabilities = await classifyPixels(model, held.image.planes, 1);
      let worst = 0;
      let foreground = 0;
      pixels.forEach((p, i) => {
        const expected = classProbabilities(trained.classifier.head, rows.subarray(i * width, (i + 1) * width));
        expected.forEach((e, k) => {
          worst = Math.max(worst, Math.abs(probabilities.data[k * area + p]! - e));
        });
        if (expected[1]! > 0.5) foreground++;
      });
      t.ok(worst < 1e-5, `${c.name}: largest difference ${worst} over ${pixels.length} pixels × ${c.classes.length}`);
      t.ok(foreground > 10, `${c.name}: ${foreground} of them are nucleus pixels`);
    }
  },
);

t.test('the forest model loads in a bare onnxruntime and the segmenter counts with it', async (t) => {
  const trained = await trainPixelClassifier({
    images: [train.image],
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    classifier: { kind: 'forest', trees: 20 },
  });
  const model = encodePixelClassifier(trained.classifier);
  t.same(runInBareOnnxruntime(t.testdir(), model), BARE_RUN);
  const { count, truth, clumped } = await segmenterCount(t.testdir(), model);
  t.ok(Math.abs(count - truth) <= 2 + clumped, `${count} objects for ${truth} nuclei (${clumped} in clumps)`);
});

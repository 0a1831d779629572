import { readFile } from 'node:fs/promises';
import { readModelMetadata } from '@platescale/onnx';
import {
  DEFAULT_MODEL_PATH,
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  ModelCache,
  segmentImageSet,
  toUnitFloat,
} from '@platescale/segmentation';
import t from 'tap';
import { BASE_MODEL_BANK, trainBaseModel } from '../src/base-model.js';
import { classifyPixels } from '../src/predict.js';

// The segmenter's default model, trained from synthetic fields only; checked here on a real image it never saw.
const FIELD = new URL('../../../test/fixtures/example-human/AS_09125_050116030001_D03f00d0.tif', import.meta.url);

async function realField() {
  const image = await decodeImage('d0', await readFile(FIELD), DEFAULT_SEGMENTER_OPTIONS);
  return { width: image.width, height: image.height, data: toUnitFloat(image) };
}

t.test('the shipped default model is what trainBaseModel (scripts/build-base-model.ts) trains', async (t) => {
  const shipped = await readFile(DEFAULT_MODEL_PATH);
  const { bytes } = await trainBaseModel();
  t.match(readModelMetadata(shipped), {
    'platescale.sigmas': JSON.stringify(BASE_MODEL_BANK.sigmas),
    'platescale.features': JSON.stringify(BASE_MODEL_BANK.features),
  });
  t.same(readModelMetadata(shipped), readModelMetadata(bytes), 'same description');
  // Bytes match on the onnxruntime build and CPU that built them; elsewhere float rounding may differ, so the
  // probabilities are compared instead.
  const field = await realField();
  const planes = { ...field, channels: 1 };
  const [a, b] = await Promise.all([classifyPixels(shipped, planes, 1), classifyPixels(bytes, planes, 1)]);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
  t.ok(worst < 1e-3, `largest probability difference ${worst}`);
});

t.test('the default model counts the real CC0 field like the scikit-image reference (316 nuclei)', async (t) => {
  const model = await new ModelCache().fromFile(DEFAULT_MODEL_PATH);
  const field = await realField();
  const dna = { name: 'DNA', data: field.data };
  const seg = await segmentImageSet(model, dna, [dna], field.width, field.height, DEFAULT_SEGMENTER_OPTIONS);
  t.ok(Math.abs(seg.table.count - 316) <= 16, `${seg.table.count} nuclei`);
});

t.test('the default model finds nothing in an empty 16-bit field (background and noise only)', async (t) => {
  const model = await new ModelCache().fromFile(DEFAULT_MODEL_PATH);
  let state = 3;
  const size = 256;
  const data = Float32Array.from({ length: size * size }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (1000 + 40 * (state / 2 ** 31 - 0.5)) / 65535;
  });
  const dna = { name: 'DNA', data };
  const seg = await segmentImageSet(model, dna, [dna], size, size, DEFAULT_SEGMENTER_OPTIONS);
  t.equal(seg.table.count, 0);
});

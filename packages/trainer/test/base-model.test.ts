import { readFile } from 'node:fs/promises';
import { readModelMetadata } from '@platescale/onnx';
import {
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  ModelCache,
  segmentImageSet,
  toUnitFloat,
} from '@platescale/segmenter';
import t from 'tap';

// Built by scripts/build-base-model.ts from synthetic fields only; checked here on a real image it never saw.
const MODEL = new URL('../models/nuclei-base.onnx', import.meta.url);
const FIELD = new URL('../../../test/fixtures/example-human/AS_09125_050116030001_D03f00d0.tif', import.meta.url);

t.test('the base model counts the real CC0 field like the scikit-image reference (316 nuclei)', async (t) => {
  const bytes = await readFile(MODEL);
  t.match(readModelMetadata(bytes), { 'platescale.normalization': 'percentile', 'platescale.output': 'probability' });
  const model = await new ModelCache().fromFile(MODEL);
  const image = await decodeImage('d0', await readFile(FIELD), DEFAULT_SEGMENTER_OPTIONS);
  const dna = { name: 'DNA', data: toUnitFloat(image) };
  const seg = await segmentImageSet(model, dna, [dna], image.width, image.height, DEFAULT_SEGMENTER_OPTIONS);
  t.ok(Math.abs(seg.table.count - 316) <= 16, `${seg.table.count} nuclei`);
});

t.test('the base model finds nothing in an empty 16-bit field (background and noise only)', async (t) => {
  const model = await new ModelCache().fromFile(MODEL);
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

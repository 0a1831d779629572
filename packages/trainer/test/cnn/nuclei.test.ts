import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readModelMetadata } from '@platescale/onnx';
import { loadModel, normalizeImage } from '@platescale/segmentation';
import t from 'tap';
import { loadTrainingImages, type NucleiRecipe, TRAINING_METADATA, trainNucleiModel } from '../../src/cnn/nuclei.js';
import { loadAnnotatedImage, readAnnotatedSet } from '../../src/datasets/annotated.js';
import { TINY_SPEC } from '../fixtures/networks.js';

const dir = fileURLToPath(new URL('../fixtures/annotated', import.meta.url));
const recipe: NucleiRecipe = {
  spec: TINY_SPEC,
  diameter: 12,
  steps: 2,
  batch: 1,
  patchSize: 16,
  scaleJitter: 1.2,
  learningRate: 0.01,
  seed: 3,
};

t.test('training images: the asked splits only, normalised, with their diameters', async (t) => {
  const train = await loadTrainingImages(dir, ['train']);
  t.same(
    train.map((i) => [i.name, i.diameter]),
    [
      ['a-small', 10.16],
      ['b-small', 11.94],
      ['c-medium', 20.06],
    ],
  );
  const [entry] = await readAnnotatedSet(dir);
  const { image } = await loadAnnotatedImage(dir, entry!);
  t.same(train[0]!.data, normalizeImage(image.data, image.width, image.height), 'normalised as the segmenter does');
  t.same(
    (await loadTrainingImages(dir, ['validation'])).map((i) => i.name),
    ['d-medium'],
  );
});

t.test('the nuclei model records its recipe and the split it was trained on, and is reproducible', async (t) => {
  const a = await trainNucleiModel(dir, recipe);
  t.equal(a.images, 3, 'the training split only');
  const meta = readModelMetadata(a.bytes);
  const training = JSON.parse(meta[TRAINING_METADATA]!);
  t.same(training.recipe, recipe);
  t.equal(
    training.splitSha256,
    createHash('sha256')
      .update(readFileSync(`${dir}/split.csv`))
      .digest('hex'),
  );
  t.match(training, { split: 'train', images: 3 });
  const model = await loadModel('nuclei', a.bytes);
  t.match(model, { output: 'classes', diameter: 12, objects: 'Nuclei', input: 'normalized' });
  await model.session.release();
  const b = await trainNucleiModel(dir, recipe);
  t.ok(Buffer.from(a.bytes).equals(Buffer.from(b.bytes)), 'two runs, identical bytes');
  const c = await trainNucleiModel(dir, { ...recipe, seed: 4 });
  t.notOk(Buffer.from(a.bytes).equals(Buffer.from(c.bytes)), 'another seed, another model');
});

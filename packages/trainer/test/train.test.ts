import t from 'tap';
import { TrainingInputError } from '../src/errors.js';
import { MAX_CLASSES, trainPixelClassifier } from '../src/train.js';
import { syntheticField } from './fixtures/fields.js';

const images = [syntheticField(1).image, syntheticField(2).image];
const base = { images, classes: ['background', 'nucleus'], channels: ['DNA'] };

t.test('trains from sparse strokes: label counts, per-class held-out accuracy, deterministic', async (t) => {
  const a = await trainPixelClassifier({ ...base, classifier: { epochs: 10 } });
  const labelled = images.reduce((n, im) => n + im.labels.filter((v) => v > 0).length, 0);
  t.equal(a.labelCounts.background! + a.labelCounts.nucleus!, labelled);
  t.ok(a.labelCounts.nucleus! > 0 && a.labelCounts.background! > 0);
  t.equal(a.metrics.perClass.length, 2);
  t.ok(a.metrics.heldOutPixels > 0.15 * labelled && a.metrics.heldOutPixels < 0.25 * labelled, '~20 % held out');
  for (const c of a.metrics.perClass) t.ok(c.accuracy > 0.9, `${c.className} accuracy ${c.accuracy}`);
  t.match(a.architecture, { classifier: 'mlp', hidden: 16, features: 24, seed: 1 });
  t.notOk('trees' in a.architecture, 'an MLP row has no forest fields');
  t.equal(a.classifier.foreground, 1, 'the second class is the foreground by default');
  const b = await trainPixelClassifier({ ...base, classifier: { epochs: 10 } });
  t.same(b.classifier.head, a.classifier.head, 'same inputs and seed → same weights');
});

t.test('classifier kind forest: a random forest, recorded in the architecture, deterministic', async (t) => {
  const classifier = { kind: 'forest', trees: 10, maxDepth: 6 } as const;
  const a = await trainPixelClassifier({ ...base, classifier });
  t.match(a.architecture, {
    classifier: 'forest',
    hidden: 0,
    trees: 10,
    maxDepth: 6,
    minLeaf: 5,
    features: 24,
    seed: 1,
  });
  t.match(a.classifier.head, { kind: 'forest', forest: { features: 24, classCount: 2, maxDepth: 6 } });
  for (const c of a.metrics.perClass) t.ok(c.accuracy > 0.9, `${c.className} accuracy ${c.accuracy}`);
  const b = await trainPixelClassifier({ ...base, classifier });
  t.same(b.classifier.head, a.classifier.head, 'same inputs and seed → same trees');
});

t.test('bad input is refused with a message naming the problem', async (t) => {
  const reject = (request: Parameters<typeof trainPixelClassifier>[0], pattern: RegExp, field: string) =>
    t.rejects(trainPixelClassifier(request), { constructor: TrainingInputError, status: 400, message: pattern, field });

  const small = { ...images[0]!, labels: new Uint8Array(10), labelsWidth: 5, labelsHeight: 2 };
  await reject({ ...base, images: [small] }, /label image of 'field-1' is 5×2, the image is 192×192/, 'labels');
  const onlyBackground = { ...images[0]!, labels: images[0]!.labels.map((v) => (v === 2 ? 0 : v)) };
  await reject({ ...base, images: [onlyBackground] }, /no labelled pixels of class 'nucleus'/, 'labels');
  const classes = Array.from({ length: MAX_CLASSES + 1 }, (_, i) => `c${i}`);
  await reject({ ...base, classes }, /too many classes: 9 \(at most 8\)/, 'classes');
  const stray = { ...images[0]!, labels: images[0]!.labels.map((v, i) => (i === 0 ? 3 : v)) };
  await reject({ ...base, images: [stray] }, /uses label 3, but there are only 2 classes/, 'labels');
  await reject({ ...base, channels: ['DNA', 'Cells'] }, /has 1 channels, the model takes 2/, 'images');
  await reject({ ...base, foreground: 'cytoplasm' }, /foreground class 'cytoplasm'/, 'foreground');
  await reject({ ...base, features: ['hessianMin', 'gaussian'] }, /features must be distinct kinds of/, 'features');
  await reject({ ...base, features: [] }, /features must be distinct kinds of/, 'features');
  await reject({ ...base, classifier: { kind: 'forest', trees: 0 } }, /a forest has 1 to 200 trees/, 'trees');
  await reject({ ...base, classifier: { kind: 'forest', maxDepth: 2.5 } }, /depth bound is 1 to 20/, 'maxDepth');
  await reject({ ...base, classifier: { kind: 'forest', minLeaf: 0 } }, /at least 1 pixel/, 'minLeaf');
  const tiny = { ...images[0]!, planes: { width: 20, height: 20, channels: 1, data: new Float32Array(400) } };
  await reject(
    { ...base, images: [{ ...tiny, labels: new Uint8Array(400).fill(1), labelsWidth: 20, labelsHeight: 20 }] },
    /smaller than 32×32/,
    'images',
  );
});

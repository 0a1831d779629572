import { createHash } from 'node:crypto';
import { loadModel } from '@platescale/segmentation';
import t from 'tap';
import { encodeNetwork } from '../../src/cnn/export.js';
import { DEFAULT_FINE_TUNE } from '../../src/cnn/finetune.js';
import { type NetworkTeachRequest, networkClassMap, trainNetworkFromStrokes } from '../../src/cnn/taught.js';
import { TrainingInputError } from '../../src/errors.js';
import { discGrid, discStrokes } from '../fixtures/discs.js';
import { randomNetwork } from '../fixtures/networks.js';

const SIDE = 48;
const field = discGrid(SIDE, 12);
const strokes = discStrokes(field.labels, SIDE);
const base = encodeNetwork(randomNetwork(2));

const request = (over: Partial<NetworkTeachRequest> = {}): NetworkTeachRequest => ({
  images: [
    {
      name: 'discs',
      planes: { width: SIDE, height: SIDE, channels: 1, data: field.data },
      labels: strokes,
      labelsWidth: SIDE,
      labelsHeight: SIDE,
    },
  ],
  classes: ['background', 'nucleus', 'boundary'],
  channels: ['DNA'],
  objects: 'Nuclei',
  objectDiameter: 12,
  base,
  // A random tiny base: class-balanced strokes, little pull towards it (the defaults suit a trained base).
  fineTune: { ...DEFAULT_FINE_TUNE, classBalance: true, distillation: 0.3 },
  ...over,
});

t.test('taught from strokes: per-class held-out metrics, the base recorded, naming on the model', async (t) => {
  const { bytes, result } = await trainNetworkFromStrokes(request());
  const counts = [1, 2, 3].map((c) => strokes.filter((v) => v === c).length);
  t.same(result.labelCounts, { background: counts[0], nucleus: counts[1], boundary: counts[2] });
  t.same(
    result.metrics.perClass.map((c) => [c.className, c.heldOutPixels]),
    [
      ['background', Math.round(0.2 * counts[0]!)],
      ['nucleus', Math.round(0.2 * counts[1]!)],
      ['boundary', Math.round(0.2 * counts[2]!)],
    ],
    'a fifth of each class held out',
  );
  const held = result.metrics.perClass.reduce((a, c) => a + c.heldOutPixels, 0);
  t.equal(result.metrics.heldOutPixels, held);
  const weighted = result.metrics.perClass.reduce((a, c) => a + c.accuracy * c.heldOutPixels, 0) / held;
  t.ok(Math.abs(result.metrics.pixelAccuracy - weighted) < 1e-9, 'overall accuracy is the pooled per-class one');
  t.ok(result.metrics.pixelAccuracy > 0.6, `held-out accuracy ${result.metrics.pixelAccuracy.toFixed(2)}`);
  t.match(result.architecture, {
    classifier: 'network',
    seed: 1,
    base: createHash('sha256').update(base).digest('hex').slice(0, 16),
    objectDiameter: 12,
  });
  t.same(result.channels, ['DNA']);
  t.equal(result.foregroundClass, 'nucleus');
  const model = await loadModel('taught', bytes);
  t.match(model, { output: 'classes', channelNames: ['DNA'], objects: 'Nuclei', diameter: 10 });
  await model.session.release();
  const named = await trainNetworkFromStrokes(request({ objects: 'Cells', objectDiameter: undefined }));
  const other = await loadModel('taught', named.bytes);
  t.equal(other.objects, 'Cells');
  await other.session.release();
  t.notOk('objectDiameter' in named.result.architecture, 'no diameter recorded unless given');
});

t.test("the scientist's classes map onto background / interior / boundary; others are refused", async (t) => {
  t.same([...networkClassMap(['bg', 'nucleus', 'Boundaries'], 'nucleus')], [0, 1, 2, 3]);
  t.same([...networkClassMap(['bg', 'boundary', 'nucleus'], 'nucleus')], [0, 1, 3, 2]);
  t.throws(() => networkClassMap(['bg', 'nucleus', 'debris'], 'nucleus'), {
    constructor: TrainingInputError,
    field: 'classes',
    message: /class 'debris'/,
  });
  await t.rejects(trainNetworkFromStrokes(request({ classes: ['background', 'nucleus', 'cytoplasm'] })), {
    constructor: TrainingInputError,
    field: 'classes',
    message: /class 'cytoplasm'.*train from scratch \(base: none\)/,
  });
});

t.test('a request the nuclei network cannot take is refused before any training', async (t) => {
  await t.rejects(trainNetworkFromStrokes(request({ channels: ['DNA', 'Actin'] })), {
    constructor: TrainingInputError,
    field: 'channels',
    message: /takes one channel; 2 were given/,
  });
  await t.rejects(trainNetworkFromStrokes(request({ classes: ['background'] })), {
    constructor: TrainingInputError,
    field: 'classes',
    message: /at least two classes/,
  });
  const stray = Uint8Array.from(strokes, (v, i) => (i === 0 ? 4 : v));
  const [img] = request().images;
  await t.rejects(trainNetworkFromStrokes(request({ images: [{ ...img!, labels: stray }] })), {
    constructor: TrainingInputError,
    field: 'labels',
    message: /holds 4; there are 3 classes/,
  });
  await t.rejects(trainNetworkFromStrokes(request({ images: [{ ...img!, labelsWidth: 24 }] })), {
    field: 'labels',
    message: /not the image's size/,
  });
});

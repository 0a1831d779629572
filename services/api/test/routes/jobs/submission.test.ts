import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { build, EXPERIMENT } from '../../helpers/build.js';

// What POST /v1/jobs checks before it starts anything: the model loads and fits the experiment, and the
// segmentation channel has images in the manifest.
const { app, deps, fake, keyFor } = await build(t);
const headers = { authorization: await keyFor('lab-a', ['jobs:read', 'jobs:write', 'models:write']) };
const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload });
await post('/v1/experiments', EXPERIMENT);
const submit = (extra: Record<string, unknown>, experimentId: string = EXPERIMENT.experimentId) =>
  post('/v1/jobs', { experimentId, segmentationChannel: 'DNA', ...extra });

// A two-channel model (DNA + cell stain), trained through the API.
const SIZE = 96;
const field = renderField({ width: SIZE, height: SIZE, seed: 5, count: 8, radius: [5, 8] });
const keys = { DNA: 'tenants/lab-a/train/dna.tif', Stain: 'tenants/lab-a/train/stain.tif' };
await deps.objects.put(keys.DNA, await encodeTiff(field.channels[0], SIZE, SIZE, 16));
await deps.objects.put(keys.Stain, await encodeTiff(field.channels[1]!, SIZE, SIZE, 16));
const strokes = paintStrokes(field.labels, { width: SIZE, height: SIZE, seed: 5, fraction: 0.05 });
await deps.objects.put(
  'tenants/lab-a/train/labels.png',
  await sharp(strokes, { raw: { width: SIZE, height: SIZE, channels: 1 } })
    .png()
    .toBuffer(),
);
const trained = await post('/v1/models', {
  name: 'two-channel',
  classes: ['background', 'nucleus'],
  channels: ['DNA', 'Stain'],
  images: [{ channels: keys, labels: 'tenants/lab-a/train/labels.png' }],
});
const twoChannel = trained.json() as { modelId: string; objectKey: string };

t.test('a missing or unloadable modelKey is a 400 at submission; nothing starts', async (t) => {
  const started = fake.started.length;
  const missing = await submit({ modelKey: 'models/lab-a/nope.onnx' });
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { code: 'object_not_found', field: 'modelKey', detail: /'models\/lab-a\/nope\.onnx'/ });
  await deps.objects.put('models/lab-a/broken.onnx', Buffer.from('not an onnx model'));
  const broken = await submit({ modelKey: 'models/lab-a/broken.onnx' });
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { field: 'modelKey', detail: /cannot be used: not a loadable ONNX model/ });
  const image = await submit({ modelKey: keys.DNA });
  t.match(image.json(), { field: 'modelKey', detail: /tenants\/lab-a\/train\/dna\.tif' cannot be used/ });
  t.equal(fake.started.length, started, 'no workflow was started');
});

t.test('a model that takes more channels than the experiment has is a 400; one that fits runs', async (t) => {
  t.equal(trained.statusCode, 201, trained.body);
  await post('/v1/experiments', { ...EXPERIMENT, experimentId: 'dna-only', channels: ['DNA'] });
  const tooMany = await submit({ modelId: twoChannel.modelId }, 'dna-only');
  t.equal(tooMany.statusCode, 400);
  t.match(tooMany.json(), {
    field: 'modelId',
    detail: /the model takes 2 channels, the experiment has 1 \(DNA\)/,
  });
  const fits = await submit({ modelKey: twoChannel.objectKey });
  t.equal(fits.statusCode, 202, fits.body);
  t.equal(fits.json().modelKey, twoChannel.objectKey);
  t.equal((await submit({})).statusCode, 202, 'the default model');
});

t.test('a manifest without an image of the segmentation channel is a 400 naming it and the ones found', async (t) => {
  await post('/v1/experiments', {
    ...EXPERIMENT,
    experimentId: 'ph3-only',
    naming: 'manifest',
    manifest: [
      { plate: 'P1', well: 'A01', field: 0, images: { PH3: `${EXPERIMENT.imagePrefix}P1_A01_w2.tif` } },
      { plate: 'P1', well: 'A02', field: 0, images: { PH3: `${EXPERIMENT.imagePrefix}P1_A02_w2.tif` } },
    ],
  });
  const res = await submit({}, 'ph3-only');
  t.equal(res.statusCode, 400);
  t.match(res.json(), {
    field: 'segmentationChannel',
    detail: "segmentationChannel 'DNA' has no image in the experiment's manifest (channels with images: PH3)",
  });
  t.equal((await submit({ segmentationChannel: 'PH3' }, 'ph3-only')).statusCode, 202);
});

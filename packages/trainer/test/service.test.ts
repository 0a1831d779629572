import { createFilesystemObjectStore } from '@platescale/adapters';
import { openTestDatabase } from '@platescale/db/testing';
import sharp from 'sharp';
import t from 'tap';
import { modelObjectKey } from '../src/registry.js';
import { createModelService } from '../src/service.js';
import { syntheticFiles } from './fixtures/fields.js';

const database = await openTestDatabase();
t.teardown(() => database.dispose());
const objects = createFilesystemObjectStore(t.testdir(), 'platescale');
const service = createModelService({ db: database.db, objects });

for (const seed of [1, 2]) {
  const { image, label } = await syntheticFiles(seed);
  await objects.put(`exp/field-${seed}.tif`, image);
  await objects.put(`labels/field-${seed}.png`, label);
}
const spec = {
  name: 'nuclei',
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
  hidden: 8,
  images: [1, 2].map((s) => ({ channels: { DNA: `exp/field-${s}.tif` }, labels: `labels/field-${s}.png` })),
};

t.test('training registers immutable, content-addressed versions', async (t) => {
  const first = await service.train('lab-a', spec);
  t.match(first, { name: 'nuclei', version: 1, classes: ['background', 'nucleus'], foregroundClass: 'nucleus' });
  t.equal(first.objectKey, modelObjectKey('lab-a', first.sha256));
  t.same(first.trainingImages, ['exp/field-1.tif', 'exp/field-2.tif']);
  t.ok((await objects.head(first.objectKey))?.size === first.sizeBytes);

  const again = await service.train('lab-a', spec);
  t.equal(again.version, 2, 'the same name again is the next version');
  t.equal(again.sha256, first.sha256, 'the same training gives the same bytes');
  t.not(again.id, first.id);

  const other = await service.train('lab-b', { ...spec, name: 'nuclei' });
  t.equal(other.version, 1, 'versions are per tenant');
  await t.rejects(service.get('lab-b', first.id), { status: 404, code: 'model_not_found' });
  t.same(
    (await service.list('lab-a', { limit: 10 })).map((m) => m.version),
    [1, 2],
  );
  t.same(
    (await service.list('lab-a', { limit: 10, after: first.id })).map((m) => m.id),
    [again.id],
  );
});

t.test('preview: a PNG of the image size from keys or raw bytes; mask is black and white', async (t) => {
  const [model] = await service.list('lab-a', { limit: 1 });
  const probability = await service.preview(
    'lab-a',
    model!.id,
    { channels: { DNA: 'exp/field-2.tif' } },
    'probability',
  );
  t.match(await sharp(probability).metadata(), { format: 'png', width: 192, height: 192, channels: 1 });
  const { image } = await syntheticFiles(3);
  const mask = await service.preview('lab-a', model!.id, { name: 'upload', bytes: image }, 'mask');
  const { data } = await sharp(mask).raw().toBuffer({ resolveWithObject: true });
  t.same(
    [...new Set(data)].sort((a, b) => a - b),
    [0, 255],
  );
});

t.test('missing objects and non-images are 400s naming them', async (t) => {
  const missing = { ...spec, images: [{ channels: { DNA: 'exp/nope.tif' }, labels: 'labels/field-1.png' }] };
  await t.rejects(service.train('lab-a', missing), { status: 400, message: /object 'exp\/nope.tif' does not exist/ });
  await objects.put('exp/notes.txt', 'not an image');
  const text = { ...spec, images: [{ channels: { DNA: 'exp/notes.txt' }, labels: 'labels/field-1.png' }] };
  await t.rejects(service.train('lab-a', text), { status: 400, code: 'not_an_image', message: /'exp\/notes.txt'/ });
  const tiny = await sharp(Buffer.alloc(400, 9), { raw: { width: 20, height: 20, channels: 1 } })
    .png()
    .toBuffer();
  const [model] = await service.list('lab-a', { limit: 1 });
  await t.rejects(service.preview('lab-a', model!.id, { name: 'tiny.png', bytes: tiny }, 'mask'), {
    status: 400,
    message: /the image is 20×20; the model needs at least 32×32/,
  });
  const noChannel = { ...spec, images: [{ channels: { Cells: 'exp/field-1.tif' }, labels: 'labels/field-1.png' }] };
  await t.rejects(service.train('lab-a', noChannel), { status: 400, message: /no image for channel 'DNA'/ });
});

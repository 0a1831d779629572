import { gunzipSync } from 'node:zlib';
import { ObjectStoreFullError } from '@platescale/adapters';
import { decodeImage } from '@platescale/segmentation';
import type { ImageFailure, ImageSummary, SegmentBatchEvent } from '@platescale/shared';
import { UnavailableError } from '@platescale/shared';
import t from 'tap';
import { damagedImages } from '../../../packages/segmentation/test/helpers/damaged.js';
import { discField, encode, grid } from '../../../packages/segmentation/test/helpers/images.js';
import { createSegmentHandler } from '../src/handler.js';
import { createMemoryStore } from './helpers/memory-store.js';

const W = 128;
const batchInput = {
  jobId: 'job-1',
  bucket: 'data',
  resultsPrefix: 'results/job-1/',
  segmentationChannel: 'DNA',
  modelKey: null,
  objectDiameter: null,
};

async function seed() {
  const store = createMemoryStore('data');
  await store.put('plate/A01-DNA.png', await encode(discField(W, W, grid(6, W, 6), 8), W, W, 'png'));
  await store.put('plate/A01-Stain.tif', await encode(discField(W, W, grid(9, W, 6), 16), W, W, 'tiff', 'lzw'));
  await store.put('plate/A02-DNA.tif', await encode(discField(W, W, grid(12, W, 5), 16), W, W, 'tiff', 'deflate'));
  await store.put('plate/A03-DNA.tif', Buffer.from('II*\0 this is not a tiff'));
  const whole = await encode(discField(W, W, grid(4, W, 6), 16), W, W, 'png');
  await store.put('plate/A04-DNA.png', whole.subarray(0, whole.length >> 1));
  return store;
}

const set = (well: string, images: Record<string, string>) => ({ plate: 'P1', well, field: 0, images });

t.test('segments every image set of a batch; bad items fail alone, naming file and reason', async (t) => {
  const store = await seed();
  const handler = createSegmentHandler({ objects: createMemoryStore('other', store.objects) });
  const event: SegmentBatchEvent = {
    BatchInput: batchInput,
    Items: [
      set('A01', { DNA: 'plate/A01-DNA.png', Stain: 'plate/A01-Stain.tif' }),
      set('A02', { DNA: 'plate/A02-DNA.tif' }),
      set('A03', { DNA: 'plate/A03-DNA.tif' }),
      set('A04', { DNA: 'plate/A04-DNA.png' }),
      set('A05', { DNA: 'plate/missing.tif' }),
      set('A06', { Stain: 'plate/A01-Stain.tif' }),
    ],
  };
  const { results } = await handler(event);
  t.equal(results.length, 6);
  const [a1, a2, ...bad] = results as [ImageSummary, ImageSummary, ...ImageFailure[]];
  t.match(a1, { well: 'A01', ok: true, count: 6, objectsKey: 'results/job-1/objects/P1/A01/f0.jsonl.gz' });
  // Equal discs on a grid (centres at different sub-pixel offsets): areas within a pixel of each other.
  t.ok(Math.abs(a1.meanArea - a1.medianArea) <= 1, `equal discs: mean ${a1.meanArea}, median ${a1.medianArea}`);
  t.ok(
    a1.meanIntensity.DNA! > 0.5 && a1.meanIntensity.DNA! <= 0.8,
    `intensities scaled to [0,1]: ${a1.meanIntensity.DNA}`,
  );
  t.ok(a1.meanIntensity.Stain! > 0.05, 'every channel measured on the DNA objects');
  t.equal(a1.features?.Count_Nuclei, 6);
  t.ok(a1.features?.Mean_Nuclei_AreaShape_FormFactor);
  t.match(a2, { well: 'A02', ok: true, count: 12 });
  t.match(bad[0], { well: 'A03', ok: false, error: { type: 'ImageDecodeError', message: /plate\/A03-DNA\.tif/ } });
  t.match(bad[1], { well: 'A04', ok: false, error: { type: 'ImageDecodeError', message: /plate\/A04-DNA\.png/ } });
  t.match(bad[2], { ok: false, error: { message: /plate\/missing\.tif.*missing/ } });
  t.match(bad[3], { ok: false, error: { type: 'ImageSetError', message: /no 'DNA' channel/ } });

  const rows = gunzipSync(store.objects.get(`data/${a1.objectsKey}`)!)
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  t.equal(rows.length, 6);
  t.match(rows[0], { ObjectNumber: 1, AreaShape_Area: Number, Intensity_MeanIntensity_Stain: Number });
  const mask = await decodeImage('mask', store.objects.get(`data/${a1.maskKey}`)!, { maxPixels: W * W });
  t.match(mask, { width: W, height: W, maxValue: 65535 });
  t.equal(Math.max(...mask.data), 6, 'mask holds labels 1..6');
});

t.test(
  'every damaged variant fails its own item with ImageDecodeError; the good sets of the batch succeed',
  async (t) => {
    const store = await seed();
    const corpus = await damagedImages();
    for (const d of corpus) await store.put(`damaged/${d.name}`, d.bytes);
    const handler = createSegmentHandler({ objects: store, options: { writeOutputs: false } });
    const good = [set('A01', { DNA: 'plate/A01-DNA.png' }), set('A02', { DNA: 'plate/A02-DNA.tif' })];
    const damaged = corpus.map((d, i) => ({ ...set('B01', { DNA: `damaged/${d.name}` }), field: i }));
    const { results } = await handler({ BatchInput: batchInput, Items: [good[0]!, ...damaged, good[1]!] });
    t.match(results[0], { well: 'A01', ok: true, count: 6 });
    t.match(results.at(-1), { well: 'A02', ok: true, count: 12 });
    const failures = results.slice(1, -1) as ImageFailure[];
    t.equal(failures.length, corpus.length);
    failures.forEach((r, i) => {
      const { name, reason } = corpus[i]!;
      t.match(r, {
        field: i,
        ok: false,
        error: { type: 'ImageDecodeError', message: `cannot decode 'damaged/${name}': ` },
      });
      t.match(r.error.message, reason, name);
    });
  },
);

t.test('oversized images fail their item before decoding', async (t) => {
  const store = await seed();
  const handler = createSegmentHandler({ objects: store, options: { maxPixels: 100 * 100, writeOutputs: false } });
  const { results } = await handler({ BatchInput: batchInput, Items: [set('A02', { DNA: 'plate/A02-DNA.tif' })] });
  t.match(results[0], { ok: false, error: { type: 'ImageTooLargeError', message: /A02-DNA\.tif.*16384 pixels/ } });
});

t.test('an unavailable object store throws UnavailableError (the Map retries the batch)', async (t) => {
  const store = await seed();
  const handler = createSegmentHandler({ objects: store });
  await handler({ BatchInput: batchInput, Items: [set('A02', { DNA: 'plate/A02-DNA.tif' })] });
  store.failWith = () => new UnavailableError('S3 is down');
  await t.rejects(handler({ BatchInput: batchInput, Items: [set('A02', { DNA: 'plate/A02-DNA.tif' })] }), {
    name: 'UnavailableError',
  });
});

t.test('a model that breaks the contract fails every item with the reason', async (t) => {
  const store = await seed();
  await store.put('models/bad.onnx', Buffer.from('not onnx'));
  const handler = createSegmentHandler({ objects: store });
  const { results } = await handler({
    BatchInput: { ...batchInput, modelKey: 'models/bad.onnx' },
    Items: [set('A02', { DNA: 'plate/A02-DNA.tif' })],
  });
  t.match(results[0], { ok: false, error: { type: 'ModelContractError', message: /models\/bad\.onnx/ } });
});

t.test('a full disk fails the image set with the cause and leaves none of its outputs', async (t) => {
  const store = await seed();
  const put = store.put.bind(store);
  // The disk fills between the two outputs: the per-object table is stored, the mask is not.
  store.put = async (key, body, opts) => {
    if (key.endsWith('.png')) throw new ObjectStoreFullError(key, new Error('ENOSPC: no space left on device'));
    return put(key, body, opts);
  };
  store.withBucket = () => store;
  const handler = createSegmentHandler({ objects: store });
  const { results } = await handler({
    BatchInput: batchInput,
    Items: [set('A02', { DNA: 'plate/A02-DNA.tif' })],
  });
  t.match(results[0], { ok: false, error: { type: 'ObjectStoreFullError', message: /out of space.*ENOSPC/ } });
  t.same(
    [...store.objects.keys()].filter((k) => k.includes('results/')),
    [],
    'the stored half of the pair was deleted',
  );
});

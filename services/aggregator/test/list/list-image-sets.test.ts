import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemObjectStore } from '@platescale/adapters';
import type { AnalysisInput, ExperimentSpec, ObjectStore } from '@platescale/shared';
import t, { type Test } from 'tap';
import { createListImageSetsHandler, manifestBody } from '../../src/list/list-image-sets.js';

async function store(t: Test): Promise<ObjectStore> {
  const dir = await mkdtemp(join(tmpdir(), 'list-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return createFilesystemObjectStore(dir, 'bucket');
}

/** The same store with tiny pages, so that listing must follow continuation tokens. */
const tinyPages = (objects: ObjectStore): ObjectStore => ({
  ...objects,
  withBucket: (bucket) => tinyPages(objects.withBucket(bucket)),
  list: (prefix, opts) => objects.list(prefix, { ...opts, maxKeys: 2 }),
});

function input(experiment: Partial<ExperimentSpec>): AnalysisInput {
  return {
    jobId: 'job-1',
    experiment: {
      experimentId: 'exp',
      plateFormat: 96,
      imagePrefix: 'exp/',
      channels: ['DNA', 'Stain'],
      naming: 'auto',
      ...experiment,
    },
    bucket: 'bucket',
    resultsPrefix: 'jobs/job-1/',
    segmentationChannel: 'DNA',
    maxConcurrency: 2,
    batchSize: 2,
    toleratedFailurePercentage: 0,
    modelKey: null,
    objectDiameter: null,
  };
}

t.test('groups channels into image sets across pages, reports unrecognized keys, writes the manifest', async (t) => {
  const objects = await store(t);
  for (const key of [
    'exp/P1_B2_s1_w1.tif',
    'exp/P1_B02_s1_w2.tif',
    'exp/P1_A01_s2_w1.tif',
    'exp/AS_1_D03f00d0.tif',
    'exp/notes.txt',
    'exp/P1_A01_s1_w9.tif',
    'other/P1_A01_s1_w1.tif',
  ]) {
    await objects.put(key, 'x');
  }
  const result = await createListImageSetsHandler({ objects: tinyPages(objects) })(input({}));
  t.same(result, {
    bucket: 'bucket',
    manifestKey: 'jobs/job-1/manifest.json',
    imageSets: 3,
    unrecognized: ['exp/P1_A01_s1_w9.tif', 'exp/notes.txt'],
  });
  const manifest = JSON.parse((await objects.get('jobs/job-1/manifest.json')).toString());
  t.same(manifest, [
    { plate: 'AS_1', well: 'D03', field: 0, images: { DNA: 'exp/AS_1_D03f00d0.tif' } },
    { plate: 'P1', well: 'A01', field: 1, images: { DNA: 'exp/P1_A01_s2_w1.tif' } },
    { plate: 'P1', well: 'B02', field: 0, images: { DNA: 'exp/P1_B2_s1_w1.tif', Stain: 'exp/P1_B02_s1_w2.tif' } },
  ]);
});

t.test('a naming convention restricts what is recognised', async (t) => {
  const objects = await store(t);
  await objects.put('exp/P1_B02_s1_w1.tif', 'x');
  await objects.put('exp/AS_1_D03f00d0.tif', 'x');
  const result = await createListImageSetsHandler({ objects })(input({ naming: 'cellomics' }));
  t.equal(result.imageSets, 1);
  t.same(result.unrecognized, ['exp/P1_B02_s1_w1.tif']);
});

t.test('no image set is a named error', async (t) => {
  const objects = await store(t);
  await objects.put('exp/readme.md', 'x');
  await t.rejects(createListImageSetsHandler({ objects })(input({})), {
    name: 'NoImageSetsError',
    code: 'no_image_sets',
  });
});

t.test('an explicit manifest is taken as is, but every key must lie under the prefix', async (t) => {
  const objects = await store(t);
  const handler = createListImageSetsHandler({ objects });
  const manifest = [{ plate: 'P', well: 'A01', field: 0, images: { DNA: 'exp/a.tif' } }];
  const ok = await handler(input({ naming: 'manifest', manifest }));
  t.equal(ok.imageSets, 1);
  for (const key of ['other/a.tif', 'exp/../other/a.tif']) {
    await t.rejects(
      handler(input({ naming: 'manifest', manifest: [{ ...manifest[0]!, images: { DNA: key } }] })),
      { name: 'ValidationError', message: /experiment\.manifest\[0\]\.images\.DNA/ },
      key,
    );
  }
  await t.rejects(
    handler(input({ naming: 'manifest', manifest: [{ ...manifest[0]!, images: { GFP: 'exp/a.tif' } }] })),
    {
      name: 'ValidationError',
    },
  );
  await t.rejects(handler(input({ naming: 'manifest' })), { name: 'ValidationError' });
});

t.test('no image of the segmentation channel fails the listing, naming it and the channels found', async (t) => {
  const objects = await store(t);
  // A Cellomics plate imaged in d2 only: the experiment's first channel has no image at all.
  for (const well of ['D03', 'D04']) await objects.put(`exp/AS_1_${well}f00d2.tif`, 'x');
  const handler = createListImageSetsHandler({ objects });
  const channels = ['ch1', 'ch2', 'ch3'];
  await t.rejects(handler({ ...input({ channels }), segmentationChannel: 'ch1' }), {
    name: 'SegmentationChannelMissingError',
    message: "no image of the segmentation channel 'ch1' under 'exp/' (channels with images: ch3)",
  });
  t.notOk(await objects.head('jobs/job-1/manifest.json'), 'no manifest: nothing reaches the Map');
  t.equal((await handler({ ...input({ channels }), segmentationChannel: 'ch3' })).imageSets, 2);
});

t.test('the manifest is encoded chunk by chunk into the same JSON array', async (t) => {
  const sets = Array.from({ length: 2345 }, (_, i) => ({
    plate: 'P',
    well: `A${String(i % 24).padStart(2, '0')}`,
    field: i,
    images: { DNA: `x/"q"/${i}.tif` },
  }));
  for (const n of [0, 1, 1000, 2345]) t.same(JSON.parse(manifestBody(sets.slice(0, n)).toString()), sets.slice(0, n));
});

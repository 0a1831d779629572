import { tables } from '@platescale/db';
import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { build } from '../helpers/build.js';

// Two tenants on one bucket. lab-a (t1) has images its lab system wrote, an upload and a trained model; lab-b (t2)
// names every one of them by key or prefix, on every route that takes a key or a prefix.
const { app, deps, database, keyFor } = await build(t);
const ALL = ['jobs:read', 'jobs:write', 'models:write'];
const t1 = { authorization: await keyFor('lab-a', ALL) };
const t2 = { authorization: await keyFor('lab-b', ALL) };
const SIZE = 128;

const field = renderField({ width: SIZE, height: SIZE, seed: 3, count: 12, radius: [5, 8] });
const image = await encodeTiff(field.channels[0], SIZE, SIZE, 16);
const labels = await sharp(paintStrokes(field.labels, { width: SIZE, height: SIZE, seed: 3, fraction: 0.03 }), {
  raw: { width: SIZE, height: SIZE, channels: 1 },
})
  .png()
  .toBuffer();
const T1_IMAGE = 'tenants/lab-a/exp/P1_A01_s1_w1.tif';
const T1_LABELS = 'tenants/lab-a/labels/A01.png';
await deps.objects.put(T1_IMAGE, image);
await deps.objects.put(T1_LABELS, labels);

const inject = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const upload = await app.inject({
  method: 'POST',
  url: '/v1/uploads',
  headers: { ...t1, 'content-type': 'image/tiff' },
  payload: image,
});
const T1_UPLOAD = upload.json().key as string;
const trainBody = (imageKey: string, labelsKey: string) => ({
  name: 'nuclei',
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
  images: [{ channels: { DNA: imageKey }, labels: labelsKey }],
});
const trained = await inject('POST', '/v1/models', t1, trainBody(T1_IMAGE, T1_LABELS));
const t1Model = trained.json() as { modelId: string; objectKey: string };
// lab-b's own model (a registry row; the routes below refuse before it would run).
await database.db.insert(tables.models).values({
  ...(await database.db.select().from(tables.models))[0]!,
  id: 'mdl_lab_b',
  tenantId: 'lab-b',
  objectKey: 'models/lab-b/none.onnx',
});

/** A refusal with the key it names taken out: what is left must not depend on whether the object exists. */
const answer = (res: { statusCode: number; body: string }, key: string) => ({
  status: res.statusCode,
  body: res.body.replaceAll(key, '<key>'),
});

t.test("lab-a's own keys work: upload, training, preview, experiment, job with its model", async (t) => {
  t.equal(upload.statusCode, 201, upload.body);
  t.match(T1_UPLOAD, /^uploads\/lab-a\//);
  t.equal(trained.statusCode, 201, trained.body);
  t.match(t1Model.objectKey, /^models\/lab-a\//);
  const preview = await inject('POST', `/v1/models/${t1Model.modelId}/preview`, t1, { channels: { DNA: T1_UPLOAD } });
  t.equal(preview.statusCode, 200, 'a preview of its own upload');
  const experiment = { experimentId: 'exp', plateFormat: 96, imagePrefix: 'tenants/lab-a/exp/', naming: 'auto' };
  t.equal((await inject('POST', '/v1/experiments', t1, { ...experiment, channels: ['DNA'] })).statusCode, 201);
  const job = await inject('POST', '/v1/jobs', t1, {
    experimentId: 'exp',
    segmentationChannel: 'DNA',
    modelKey: t1Model.objectKey,
  });
  t.equal(job.statusCode, 202, job.body);
});

t.test('lab-b cannot make an experiment (so a job) over any prefix of lab-a, present or not', async (t) => {
  const experiment = (imagePrefix: string) =>
    inject('POST', '/v1/experiments', t2, {
      experimentId: 'steal',
      plateFormat: 96,
      imagePrefix,
      naming: 'auto',
      channels: ['DNA'],
    });
  const refusals = [];
  for (const prefix of ['tenants/lab-a/exp/', 'uploads/lab-a/', 'models/lab-a/', 'tenants/lab-a/nothing-here/']) {
    const res = await experiment(prefix);
    t.equal(res.statusCode, 400, prefix);
    t.match(res.json(), { code: 'prefix_not_allowed', field: 'imagePrefix' }, prefix);
    refusals.push(answer(res, prefix));
  }
  t.same(refusals[3], refusals[0], 'a prefix holding lab-a images and an empty one get the same answer');
  for (const prefix of ['tenants/lab-b/../lab-a/exp/', 'jobs/', 'experiments/', 'tenants/', '/tenants/lab-a/']) {
    t.equal((await experiment(prefix)).statusCode, 400, prefix);
  }
  const manifest = await inject('POST', '/v1/experiments', t2, {
    experimentId: 'steal',
    plateFormat: 96,
    imagePrefix: 'tenants/lab-b/exp/',
    naming: 'manifest',
    channels: ['DNA'],
    manifest: [{ plate: 'P1', well: 'A01', field: 0, images: { DNA: T1_IMAGE } }],
  });
  t.equal(manifest.statusCode, 400, 'a manifest naming lab-a images');
  t.equal((await experiment('tenants/lab-b/exp/')).statusCode, 201, 'its own prefix, images or not yet');
});

t.test("lab-b cannot run lab-a's model: the same 400 for its key as for a missing one, 404 for its id", async (t) => {
  const job = (model: Record<string, string>) =>
    inject('POST', '/v1/jobs', t2, { experimentId: 'steal', segmentationChannel: 'DNA', ...model });
  const foreign = await job({ modelKey: t1Model.objectKey });
  const missingOwn = t1Model.objectKey.replace('lab-a', 'lab-b');
  const missing = await job({ modelKey: missingOwn });
  t.equal(foreign.statusCode, 400);
  t.match(foreign.json(), { code: 'object_not_found', field: 'modelKey' });
  t.same(answer(foreign, t1Model.objectKey), answer(missing, missingOwn), 'foreign and missing alike');
  const byId = await job({ modelId: t1Model.modelId });
  t.equal(byId.statusCode, 404);
  t.same(answer(byId, t1Model.modelId), answer(await job({ modelId: 'mdl_nope' }), 'mdl_nope'));
  t.equal((await inject('GET', `/v1/models/${t1Model.modelId}/file`, t2)).statusCode, 404, 'nor download it');
});

t.test("lab-b cannot train on lab-a's images or uploads, nor preview them: foreign and missing alike", async (t) => {
  for (const [foreign, field] of [
    [T1_IMAGE, 'images.0.channels.DNA'],
    [T1_UPLOAD, 'images.0.channels.DNA'],
  ] as const) {
    const own = foreign.replace('lab-a', 'lab-b');
    const res = await inject('POST', '/v1/models', t2, trainBody(foreign, 'tenants/lab-b/labels.png'));
    t.equal(res.statusCode, 400, foreign);
    t.match(res.json(), { code: 'object_not_found', field });
    const missing = await inject('POST', '/v1/models', t2, trainBody(own, 'tenants/lab-b/labels.png'));
    t.same(answer(res, foreign), answer(missing, own), `${foreign}: same answer as a missing key`);
  }
  await deps.objects.put('tenants/lab-b/img.tif', image);
  const labelsRes = await inject('POST', '/v1/models', t2, trainBody('tenants/lab-b/img.tif', T1_LABELS));
  t.match(labelsRes.json(), { code: 'object_not_found', field: 'images.0.labels' }, "lab-a's label image");

  const preview = (key: string) => inject('POST', '/v1/models/mdl_lab_b/preview', t2, { channels: { DNA: key } });
  for (const foreign of [T1_IMAGE, T1_UPLOAD]) {
    const res = await preview(foreign);
    t.equal(res.statusCode, 400, foreign);
    t.match(res.json(), { code: 'object_not_found', field: 'channels.DNA' });
    const own = foreign.replace('lab-a', 'lab-b');
    t.same(answer(res, foreign), answer(await preview(own), own), `preview of ${foreign}: as if missing`);
  }
});

t.test("lab-b cannot fetch lab-a's objects: uploads by file name, fields of a job over lab-a's keys", async (t) => {
  const file = T1_UPLOAD.split('/').pop()!;
  const view = await inject('GET', `/v1/uploads/${file}/view`, t2);
  const none = await inject('GET', `/v1/uploads/${'0'.repeat(64)}.tif/view`, t2);
  t.equal(view.statusCode, 404);
  t.same(answer(view, file), answer(none, `${'0'.repeat(64)}.tif`), 'as a file that does not exist');
  t.equal((await inject('GET', `/v1/uploads/${file}/view`, t1)).statusCode, 200, 'lab-a sees its own');

  // An experiment stored before prefixes were confined: its jobs are refused, and a job already run over
  // lab-a's keys (its manifest names them) shows none of them.
  await database.db.insert(tables.experiments).values({
    tenantId: 'lab-b',
    id: 'legacy',
    plateFormat: 96,
    imagePrefix: 'tenants/lab-a/exp/',
    naming: 'auto',
    channels: ['DNA'],
  });
  const job = await inject('POST', '/v1/jobs', t2, { experimentId: 'legacy', segmentationChannel: 'DNA' });
  t.equal(job.statusCode, 400);
  t.match(job.json(), { code: 'prefix_not_allowed', field: 'imagePrefix' });
  await database.db.insert(tables.jobs).values({
    id: 'job_legacy',
    tenantId: 'lab-b',
    experimentId: 'legacy',
    status: 'SUCCEEDED',
    segmentationChannel: 'DNA',
    maxConcurrency: 1,
    batchSize: 1,
    toleratedFailurePercentage: 10,
    resultsPrefix: 'jobs/job_legacy/',
  });
  await deps.objects.put(
    'jobs/job_legacy/manifest.json',
    JSON.stringify([{ plate: 'P1', well: 'A01', field: 0, images: { DNA: T1_IMAGE } }]),
  );
  const channel = await inject('GET', '/v1/jobs/job_legacy/fields/P1/A01/0/channels/DNA', t2);
  t.equal(channel.statusCode, 404);
  const absent = await inject('GET', '/v1/jobs/job_legacy/fields/P1/A01/0/channels/PH3', t2);
  t.same(
    { status: channel.statusCode, code: channel.json().code },
    { status: absent.statusCode, code: absent.json().code },
    'as a channel the field does not have',
  );
});

import { readFile } from 'node:fs/promises';
import { DEFAULT_MODEL_PATH } from '@platescale/segmentation';
import type { AnalysisInput } from '@platescale/shared';
import t from 'tap';
import { build, EXPERIMENT, finishJob } from '../../helpers/build.js';

const { app, auth, fake, database, deps, keyFor } = await build(t, {
  env: { MAX_CONCURRENCY_CAP: '16', MAX_BATCH_SIZE: '50' },
});
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });

const submit = (payload: Record<string, unknown>, extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...headers, ...extra }, payload });

t.test('POST /v1/jobs starts the workflow with the AnalysisInput and answers 202', async (t) => {
  const res = await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 5, maxConcurrency: 8 });
  t.equal(res.statusCode, 202, res.body);
  const job = res.json();
  t.match(job, { status: 'RUNNING', experimentId: 'AS_09125', links: { self: `/v1/jobs/${job.jobId}` } });
  const input = fake.started.at(-1)!.input as AnalysisInput;
  t.match(input, {
    jobId: job.jobId,
    bucket: 'platescale',
    resultsPrefix: `jobs/${job.jobId}/`,
    segmentationChannel: 'DNA',
    maxConcurrency: 8,
    batchSize: 5,
    toleratedFailurePercentage: 10,
    modelKey: null,
    objectDiameter: null,
    experiment: {
      experimentId: 'AS_09125',
      imagePrefix: 'tenants/lab-a/experiments/AS_09125/',
      channels: ['DNA', 'PH3', 'Cells'],
    },
  });
  t.equal(fake.started.at(-1)!.name, job.jobId);
});

t.test('bad submissions: unknown experiment 404, over the caps or batchSize 0 → 400 naming the field', async (t) => {
  const unknown = await submit({ experimentId: 'nope', segmentationChannel: 'DNA' });
  t.equal(unknown.statusCode, 404);
  t.equal(unknown.json().code, 'experiment_not_found');
  for (const [body, field] of [
    [{ maxConcurrency: 17 }, 'maxConcurrency'],
    [{ batchSize: 0 }, 'batchSize'],
    [{ batchSize: 51 }, 'batchSize'],
    [{ toleratedFailurePercentage: 101 }, 'toleratedFailurePercentage'],
    [{ segmentationChannel: 'GFP' }, 'segmentationChannel'],
  ] as const) {
    const res = await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA', ...body });
    t.equal(res.statusCode, 400, JSON.stringify(body));
    t.equal(res.json().field, field);
  }
});

t.test('GET /v1/jobs/{id}: Map Run counters while running, final counts and results once finished', async (t) => {
  const { jobId } = (await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA' })).json();
  const early = await app.inject({ url: `/v1/jobs/${jobId}`, headers });
  t.same(early.json().progress, { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 });

  fake.setCounts(jobId, { total: 10, succeeded: 3, failed: 1, running: 2, pending: 4 });
  const running = await app.inject({ url: `/v1/jobs/${jobId}`, headers });
  t.same(running.json().progress, { total: 10, succeeded: 3, failed: 1, running: 2, pending: 4 });

  await finishJob(database, jobId, [
    { well: 'D03', cellCount: 316 },
    { well: 'A01', cellCount: 40 },
  ]);
  const done = await app.inject({ url: `/v1/jobs/${jobId}`, headers });
  t.match(done.json(), {
    status: 'SUCCEEDED',
    progress: { total: 2, succeeded: 2, failed: 0, running: 0, pending: 0 },
  });

  const wells = await app.inject({ url: `/v1/jobs/${jobId}/results?level=well`, headers });
  t.equal(wells.statusCode, 200);
  t.match(wells.json(), { jobId, level: 'well', nextCursor: null });
  t.same(
    wells.json().items.map((w: { well: string; cellCount: number }) => [w.well, w.cellCount]),
    [
      ['A01', 40],
      ['D03', 316],
    ],
  );
  const page = await app.inject({ url: `/v1/jobs/${jobId}/results?level=image&limit=1`, headers });
  t.match(page.json().items, [{ well: 'A01', field: 0, ok: true }]);
  const next = await app.inject({
    url: `/v1/jobs/${jobId}/results?level=image&limit=1&cursor=${page.json().nextCursor}`,
    headers,
  });
  t.match(next.json(), { items: [{ well: 'D03' }], nextCursor: null });
});

t.test('lists are cursor-paginated and filter by status and experiment', async (t) => {
  const all = await app.inject({ url: '/v1/jobs?limit=1', headers });
  t.equal(all.json().items.length, 1);
  t.type(all.json().nextCursor, 'string');
  const rest = await app.inject({ url: `/v1/jobs?limit=1&cursor=${all.json().nextCursor}`, headers });
  t.ok(rest.json().items.length >= 1);
  const ids = [...all.json().items, ...rest.json().items].map((j: { jobId: string }) => j.jobId);
  t.equal(new Set(ids).size, ids.length, 'pages do not overlap');
  const succeeded = await app.inject({ url: '/v1/jobs?status=SUCCEEDED&experimentId=AS_09125', headers });
  t.equal(succeeded.json().items.length, 1);
  const none = await app.inject({ url: '/v1/jobs?experimentId=other', headers });
  t.same(none.json().items, []);
  const bad = await app.inject({ url: '/v1/jobs?cursor=zzz', headers });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().field, 'cursor');
});

t.test('cancel stops the execution; redrive re-runs a failed one', async (t) => {
  const { jobId } = (await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA' })).json();
  const cancelled = await app.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers });
  t.equal(cancelled.statusCode, 202);
  t.equal(cancelled.json().status, 'CANCELLED');
  t.ok(fake.stopped.at(-1)!.endsWith(jobId));
  const again = await app.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers });
  t.equal(again.statusCode, 409);
  t.equal(again.json().code, 'job_not_cancellable');

  const redriveRunning = await app.inject({ method: 'POST', url: `/v1/jobs/${jobId}/redrive`, headers });
  t.equal(redriveRunning.statusCode, 409);
  const failed = (await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA' })).json().jobId;
  const { tables } = await import('@platescale/db');
  const { eq } = await import('drizzle-orm');
  await database.db
    .update(tables.jobs)
    .set({ status: 'FAILED', error: { error: 'States.Timeout' }, finishedAt: new Date() })
    .where(eq(tables.jobs.id, failed));
  t.equal((await app.inject({ url: `/v1/jobs/${failed}`, headers })).json().status, 'FAILED');
  const redriven = await app.inject({ method: 'POST', url: `/v1/jobs/${failed}/redrive`, headers });
  t.equal(redriven.statusCode, 202);
  t.match(redriven.json(), { status: 'RUNNING', error: null, finishedAt: null });
  t.equal(
    (await app.inject({ url: `/v1/jobs/${failed}`, headers })).json().status,
    'RUNNING',
    'the cached copy was dropped',
  );
});

t.test('tenancy and scopes: 401 without a key, 403 without jobs:write, 404 for another tenant', async (t) => {
  const { jobId } = (await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA' })).json();
  const anonymous = await app.inject({ url: `/v1/jobs/${jobId}` });
  t.equal(anonymous.statusCode, 401);
  t.equal(anonymous.json().code, 'unauthorized');
  const bogus = await app.inject({ url: `/v1/jobs/${jobId}`, headers: { authorization: 'Bearer psk_nope' } });
  t.equal(bogus.statusCode, 401);

  const reader = await keyFor('lab-a', ['jobs:read']);
  const forbidden = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: reader },
    payload: { experimentId: 'AS_09125', segmentationChannel: 'DNA' },
  });
  t.equal(forbidden.statusCode, 403);
  t.equal(forbidden.json().code, 'insufficient_scope');
  t.equal((await app.inject({ url: `/v1/jobs/${jobId}`, headers: { authorization: reader } })).statusCode, 200);

  const other = await keyFor('lab-b', ['admin']);
  for (const url of [
    `/v1/jobs/${jobId}`,
    `/v1/jobs/${jobId}/results`,
    `/v1/jobs/${jobId}/events`,
    '/v1/experiments/AS_09125',
  ]) {
    const res = await app.inject({ url, headers: { authorization: other } });
    t.equal(res.statusCode, 404, url);
  }
  const cancel = await app.inject({
    method: 'POST',
    url: `/v1/jobs/${jobId}/cancel`,
    headers: { authorization: other },
  });
  t.equal(cancel.statusCode, 404);
  const submitOther = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: other },
    payload: { experimentId: 'AS_09125', segmentationChannel: 'DNA' },
  });
  t.equal(submitOther.statusCode, 404, "another tenant's experiment does not exist for lab-b");
  const list = await app.inject({ url: '/v1/jobs', headers: { authorization: other } });
  t.same(list.json().items, []);
});

t.test('modelId resolves to the model file of the tenant registry; another tenant’s model is 404', async (t) => {
  const { tables } = await import('@platescale/db');
  const model = (tenantId: string, id: string): typeof tables.models.$inferInsert => ({
    id,
    tenantId,
    name: 'nuclei',
    version: 1,
    sha256: 'ab'.repeat(32),
    objectKey: `models/${tenantId}/${id}.onnx`,
    sizeBytes: 1000,
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    foregroundClass: 'nucleus',
    architecture: { classifier: 'mlp', hidden: 8, features: 4, sigmas: [1], normalization: 'none', seed: 1 },
    trainingImages: [],
    labelCounts: {},
    metrics: { heldOutPixels: 0, pixelAccuracy: 1, perClass: [], trainSeconds: 0 },
  });
  await database.db.insert(tables.models).values([model('lab-a', 'mdl_a'), model('lab-b', 'mdl_b')]);
  const onnx = await readFile(DEFAULT_MODEL_PATH);
  await deps.objects.put('models/lab-a/mdl_a.onnx', onnx);
  await deps.objects.put('models/lab-b/mdl_b.onnx', onnx);
  const mine = await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA', modelId: 'mdl_a' });
  t.equal(mine.statusCode, 202, mine.body);
  t.equal(mine.json().modelKey, 'models/lab-a/mdl_a.onnx');
  t.equal((fake.started.at(-1)!.input as AnalysisInput).modelKey, 'models/lab-a/mdl_a.onnx');
  const theirs = await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA', modelId: 'mdl_b' });
  t.equal(theirs.statusCode, 404);
  t.equal(theirs.json().code, 'model_not_found');
});

t.test("a job's objectDiameter: its own, else its experiment's, else null — in the input and the view", async (t) => {
  await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers,
    payload: { ...EXPERIMENT, experimentId: 'sized', objectDiameter: 30 },
  });
  const cases = [
    [{ experimentId: 'sized', objectDiameter: 18 }, 18],
    [{ experimentId: 'sized' }, 30],
    [{ experimentId: 'AS_09125', objectDiameter: 9.5 }, 9.5],
    [{ experimentId: 'AS_09125' }, null],
  ] as const;
  for (const [body, expected] of cases) {
    const res = await submit({ segmentationChannel: 'DNA', ...body });
    t.equal(res.statusCode, 202, res.body);
    t.equal((fake.started.at(-1)!.input as AnalysisInput).objectDiameter, expected, `input ${JSON.stringify(body)}`);
    t.equal(res.json().objectDiameter, expected, `answer ${JSON.stringify(body)}`);
    const view = await app.inject({ url: `/v1/jobs/${res.json().jobId}`, headers });
    t.equal(view.json().objectDiameter, expected, `view ${JSON.stringify(body)}`);
  }
  for (const objectDiameter of [1.9, 1001]) {
    const res = await submit({ experimentId: 'AS_09125', segmentationChannel: 'DNA', objectDiameter });
    t.equal(res.statusCode, 400);
    t.equal(res.json().field, 'objectDiameter');
  }
});

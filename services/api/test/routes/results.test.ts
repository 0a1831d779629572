import { createAggregateHandler } from '@platescale/aggregator';
import type { ImageResult, ObjectStore } from '@platescale/shared';
import { designPlate, fieldCount } from '@platescale/synthetic';
import t from 'tap';
import { build, EXPERIMENT, submitJob } from '../helpers/build.js';

const PLATE = 'SYNTH01';
const design = designPlate();

/** A perfect segmentation of the synthetic plate (2 fields a well, counts with 10% noise), but one corrupt field. */
const images: ImageResult[] = design.wells.flatMap((w) =>
  [0, 1].map(
    (field): ImageResult =>
      w.well === 'C05' && field === 1
        ? { plate: PLATE, well: w.well, field, ok: false, error: { type: 'DecodeError', message: 'truncated TIFF' } }
        : {
            plate: PLATE,
            well: w.well,
            field,
            ok: true as const,
            count: fieldCount(7, PLATE, w, field, 0.1),
            meanArea: 150,
            medianArea: 140,
            meanIntensity: { DNA: 1500, Cells: 700 * w.stainLevel },
            seconds: 0.1,
          },
  ),
);

/** The Map's ResultWriter output as Step Functions writes it: one SUCCEEDED file of 8-image batches. */
async function writeResultWriterOutput(objects: ObjectStore, prefix: string) {
  const mapRunArn = 'arn:aws:states:us-east-1:123456789012:mapRun:analysis/SegmentImageSets:run-1';
  const children = [];
  for (let i = 0; i < images.length; i += 8) {
    const batch = images.slice(i, i + 8);
    const items = batch.map((r) => ({ plate: r.plate, well: r.well, field: r.field, images: { DNA: 'x.tif' } }));
    children.push({
      ExecutionArn: `${mapRunArn}:${i}`,
      Input: JSON.stringify({ BatchInput: {}, Items: items }),
      Output: JSON.stringify({ results: batch }),
      Status: 'SUCCEEDED',
    });
  }
  const succeeded = `${prefix}map/run-1/SUCCEEDED_0.json`;
  await objects.put(succeeded, JSON.stringify(children));
  const Key = `${prefix}map/run-1/manifest.json`;
  const ResultFiles = { FAILED: [], PENDING: [], SUCCEEDED: [{ Key: succeeded, Size: 1 }] };
  await objects.put(Key, JSON.stringify({ DestinationBucket: objects.bucket, MapRunArn: mapRunArn, ResultFiles }));
  return { Bucket: objects.bucket, Key };
}

const { app, auth, deps, keyFor } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });
// What the demo does: the plate map as JSON rows (plateMapOf(truth) has this shape).
const plateMap = design.wells.map(({ well, treatment, dose, unit, role }) => ({
  plate: PLATE,
  well,
  treatment,
  dose,
  unit,
  role,
}));
const put = await app.inject({ method: 'PUT', url: '/v1/experiments/AS_09125/plate-map', headers, payload: plateMap });
const jobId = await submitJob(app, headers);
const objects = deps.objects.withBucket(deps.config.bucket);
await createAggregateHandler({ db: deps.db.db, objects, events: deps.events })({
  jobId,
  bucket: deps.config.bucket,
  resultWriterDetails: await writeResultWriterOutput(objects, `jobs/${jobId}/`),
});

const get = (path: string, extra: Record<string, string> = {}) =>
  app.inject({ url: `/v1/jobs/${jobId}${path}`, headers: { ...headers, ...extra } });

type Well = { well: string; role: string; features: Record<string, number>; robustZ: Record<string, number> };

t.test('level=well carries the plate-map annotation and robust z; pages as before', async (t) => {
  t.same(put.json(), { experimentId: 'AS_09125', count: 96 });
  const page = await get('/results?level=well&limit=50');
  t.equal(page.statusCode, 200);
  t.equal(page.json().items.length, 50);
  const rest = await get(`/results?level=well&limit=50&cursor=${page.json().nextCursor}`);
  t.equal(rest.json().nextCursor, null);
  const wells: Well[] = [...page.json().items, ...rest.json().items];
  t.equal(wells.length, 96);
  t.match(
    wells.find((w) => w.well === 'A01'),
    { treatment: String, role: String, dose: Number, unit: 'uM', robustZ: { Count_Nuclei: Number } },
  );
});

t.test('plate and well filter the image and well levels (a well page reads its own fields)', async (t) => {
  const fields = await get(`/results?level=image&plate=${PLATE}&well=b2`);
  t.equal(fields.statusCode, 200);
  t.same(
    fields.json().items.map((i: { well: string; field: number }) => `${i.well}/${i.field}`),
    ['B02/0', 'B02/1'],
    'the well in any spelling, every field',
  );
  const plate = await get(`/results?level=well&plate=${PLATE}&limit=1000`);
  t.equal(plate.json().items.length, 96);
  t.same((await get('/results?level=well&plate=OTHER')).json().items, []);
  const paged = await get(`/results?level=image&plate=${PLATE}&well=C03&limit=1`);
  const next = await get(`/results?level=image&plate=${PLATE}&well=C03&limit=1&cursor=${paged.json().nextCursor}`);
  t.same(
    [...paged.json().items, ...next.json().items].map((i: { field: number }) => i.field),
    [0, 1],
    'pages within the well',
  );
  t.equal(next.json().nextCursor, null);
  const csv = await get(`/results?level=image&plate=${PLATE}&well=B02`, { accept: 'text/csv' });
  t.equal(csv.body.trimEnd().split('\n').length, 3, 'the CSV too');
  t.equal((await get('/results?level=image&well=B-2')).statusCode, 400);
});

t.test('plates: one row per plate with its counts; failed=true keeps the failures of a level', async (t) => {
  const plates = await get('/plates');
  t.equal(plates.statusCode, 200);
  t.same(plates.json(), {
    jobId,
    items: [{ plate: PLATE, wells: 96, fields: 192, fieldsFailed: 1, wellsWithFailedFields: 1 }],
  });
  const wells = await get(`/results?level=well&plate=${PLATE}&failed=true`);
  t.same(
    wells.json().items.map((w: { well: string; fieldsFailed: number }) => [w.well, w.fieldsFailed]),
    [['C05', 1]],
  );
  const fields = await get('/results?level=image&failed=true');
  t.same(
    fields.json().items.map((i: { well: string; field: number; error: string }) => [i.well, i.field, i.error]),
    [['C05', 1, 'DecodeError: truncated TIFF']],
  );
  const csv = await get('/results?level=well&failed=true', { accept: 'text/csv' });
  t.equal(csv.body.trimEnd().split('\n').length, 2, 'the CSV too');
  t.equal((await get('/results?level=well&failed=maybe')).statusCode, 400);
  const other = { authorization: await keyFor('lab-b', ['jobs:read']) };
  t.equal((await app.inject({ url: `/v1/jobs/${jobId}/plates`, headers: other })).statusCode, 404);
});

t.test('level=condition and level=plate come whole; Z′ matches the well table to 1e-6', async (t) => {
  const conditions = await get('/results?level=condition&limit=1');
  t.equal(conditions.statusCode, 200);
  t.equal(conditions.json().level, 'condition');
  t.equal(conditions.json().nextCursor, null);
  t.ok(conditions.json().items.length > 20, 'every condition × feature, not one page');
  t.match(conditions.json().items[0], { treatment: String, dose: Number, feature: String, n: Number, mean: Number });

  const plate = await get('/results?level=plate');
  t.equal(plate.json().level, 'plate');
  const qc = plate.json().items.find((q: { feature: string }) => q.feature === 'Count_Nuclei');
  t.match(qc, { plate: PLATE, nNegative: Number, nPositive: Number });

  const wells: Well[] = (await get('/results?level=well&limit=1000')).json().items;
  const stats = (role: string) => {
    const v = wells.filter((w) => w.role === role).map((w) => w.features.Count_Nuclei!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, sd: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) };
  };
  const p = stats('positive_control');
  const n = stats('negative_control');
  t.ok(Math.abs(qc.zPrime - (1 - (3 * (p.sd + n.sd)) / Math.abs(p.mean - n.mean))) < 1e-6, `Z′ ${qc.zPrime}`);
});

t.test('dose-response: one Count_Nuclei fit per treatment, EC50 within 0.1 log10 of truth', async (t) => {
  const res = await get('/dose-response?feature=Count_Nuclei');
  t.equal(res.statusCode, 200);
  t.equal(res.json().feature, 'Count_Nuclei');
  const fits = res.json().items;
  t.same(
    fits.map((f: { treatment: string }) => f.treatment),
    design.treatments.map((d) => d.treatment),
  );
  for (const truth of design.treatments) {
    const fit = fits.find((f: { treatment: string }) => f.treatment === truth.treatment);
    t.match(fit, { feature: 'Count_Nuclei', unit: 'uM', direction: 'decreasing', converged: true, error: null });
    t.ok(Math.abs(Math.log10(fit.ec50) - Math.log10(truth.ec50)) < 0.1, `${truth.treatment} EC50 ${fit.ec50}`);
    t.ok(fit.ec50CiLow < fit.ec50 && fit.ec50 < fit.ec50CiHigh);
    t.ok(fit.r2 > 0.8);
  }
  const all = await get('/dose-response');
  t.ok(all.json().items.length > fits.length, 'every feature without the filter');
  t.equal(all.json().feature, null);
  t.same((await get('/dose-response?feature=Nope')).json().items, []);
});

t.test('Accept: text/csv → every row of the level as CSV, map fields flattened', async (t) => {
  const csv = await get('/results?level=well&limit=1', { accept: 'text/csv' });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.equal(csv.headers['content-disposition'], `attachment; filename="${jobId}_well.csv"`);
  const [header, ...lines] = csv.body.trimEnd().split('\n');
  t.equal(lines.length, 96, 'all pages');
  const columns = header!.split(',');
  t.ok(columns.includes('features.Count_Nuclei') && columns.includes('robustZ.Count_Nuclei'), header ?? '');
  t.notOk(columns.includes('jobId'));
  const plate = await get('/results?level=plate', { accept: 'text/csv;q=0.9, application/json;q=0.5' });
  t.match(plate.body, /^plate,feature,nNegative,/);
  const fits = await get('/dose-response?feature=Count_Nuclei', { accept: 'text/csv' });
  t.equal(fits.body.trimEnd().split('\n').length, 1 + design.treatments.length);
  const browser = await get('/results?level=plate', { accept: 'text/html,application/json;q=0.9,*/*;q=0.8' });
  t.equal(browser.json().level, 'plate', 'JSON unless CSV is preferred');
});

t.test('another tenant’s job is 404; level is validated', async (t) => {
  const other = { authorization: await keyFor('lab-b', ['jobs:read']) };
  t.equal((await app.inject({ url: `/v1/jobs/${jobId}/dose-response`, headers: other })).statusCode, 404);
  t.equal((await app.inject({ url: `/v1/jobs/${jobId}/results?level=plate`, headers: other })).statusCode, 404);
  const bad = await get('/results?level=field');
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().field, 'level');
});

t.test('OpenAPI: operation ids, the four levels and both media types', async (t) => {
  const spec = (await app.inject({ url: '/openapi.json' })).json();
  const results = spec.paths['/v1/jobs/{id}/results'].get;
  t.same(results.parameters.find((p: { name: string }) => p.name === 'level').schema.enum, [
    'well',
    'image',
    'condition',
    'plate',
  ]);
  t.same(Object.keys(results.responses['200'].content).sort(), ['application/json', 'text/csv']);
  t.equal(spec.paths['/v1/jobs/{id}/dose-response'].get.operationId, 'getDoseResponse');
  t.equal(spec.paths['/v1/jobs/{id}/plates'].get.operationId, 'getJobPlates');
});

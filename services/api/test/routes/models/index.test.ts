import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { build } from '../../helpers/build.js';

const { app, deps, keyFor } = await build(t);
const writer = await keyFor('lab-a', ['models:write', 'jobs:read']);
const reader = await keyFor('lab-a', ['jobs:read']);
const SIZE = 160;

// Two labelled synthetic fields in the object store, as a scientist's browser would have uploaded them.
const fields: Buffer[] = [];
for (const seed of [1, 2]) {
  const field = renderField({ width: SIZE, height: SIZE, seed, count: 14, radius: [5, 9] });
  const image = await encodeTiff(field.channels[0], SIZE, SIZE, 16);
  fields.push(image);
  const labels = paintStrokes(field.labels, { width: SIZE, height: SIZE, seed, fraction: 0.02 });
  await deps.objects.put(`tenants/lab-a/exp123/A01_s${seed}_w1.tif`, image);
  await deps.objects.put(
    `tenants/lab-a/labels/A01_s${seed}.png`,
    await sharp(labels, { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .png()
      .toBuffer(),
  );
}
const body = {
  name: 'nuclei-exp123',
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
  images: [1, 2].map((s) => ({
    channels: { DNA: `tenants/lab-a/exp123/A01_s${s}_w1.tif` },
    labels: `tenants/lab-a/labels/A01_s${s}.png`,
  })),
};

t.test('POST /v1/models trains (201) with per-class metrics; GET lists and reads it', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: writer },
    payload: body,
  });
  t.equal(res.statusCode, 201, res.body);
  const model = res.json();
  t.match(model, {
    modelId: /^mdl_/,
    name: 'nuclei-exp123',
    version: 1,
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    foregroundClass: 'nucleus',
    objectKey: `models/lab-a/${model.sha256}.onnx`,
    architecture: { classifier: 'mlp', features: 24 },
    metrics: { perClass: [{ className: 'background' }, { className: 'nucleus' }] },
    links: { self: `/v1/models/${model.modelId}`, preview: `/v1/models/${model.modelId}/preview` },
  });
  for (const c of model.metrics.perClass) t.ok(c.accuracy > 0.9 && c.heldOutPixels > 0, `${c.className}`);
  t.ok(model.labelCounts.nucleus > 0 && model.labelCounts.background > 0);

  const list = await app.inject({ url: '/v1/models', headers: { authorization: reader } });
  t.same(
    list.json().items.map((m: { modelId: string }) => m.modelId),
    [model.modelId],
  );
  const one = await app.inject({ url: model.links.self, headers: { authorization: reader } });
  t.same(one.json(), model);
  const file = await app.inject({ url: model.links.file, headers: { authorization: reader } });
  t.equal(file.headers['content-type'], 'application/octet-stream');
  t.equal(file.rawPayload.length, model.sizeBytes);

  const forbidden = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: reader },
    payload: body,
  });
  t.equal(forbidden.statusCode, 403);
  const missing = await app.inject({ url: '/v1/models/mdl_nope', headers: { authorization: reader } });
  t.match(missing.json(), { status: 404, code: 'model_not_found' });
});

t.test('POST /v1/models/{id}/preview answers a PNG, from object keys or an uploaded image', async (t) => {
  const { items } = (await app.inject({ url: '/v1/models', headers: { authorization: reader } })).json();
  const url = `/v1/models/${items[0].modelId}/preview`;
  const byKey = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: reader },
    payload: { channels: { DNA: 'tenants/lab-a/exp123/A01_s2_w1.tif' } },
  });
  t.equal(byKey.statusCode, 200, byKey.body);
  t.equal(byKey.headers['content-type'], 'image/png');
  t.match(await sharp(byKey.rawPayload).metadata(), { width: SIZE, height: SIZE, channels: 1 });

  const upload = await app.inject({
    method: 'POST',
    url: `${url}?output=mask`,
    headers: { authorization: reader, 'content-type': 'image/tiff' },
    payload: fields[0],
  });
  t.equal(upload.statusCode, 200, upload.body);
  const { data } = await sharp(upload.rawPayload).raw().toBuffer({ resolveWithObject: true });
  t.same(
    [...new Set(data)].sort((a, b) => a - b),
    [0, 255],
    'a two-class mask is black and white',
  );

  const junk = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: reader, 'content-type': 'image/png' },
    payload: Buffer.from('not a png'),
  });
  t.match(junk.json(), { status: 400, code: 'not_an_image' });
});

t.test('bad training input → 400 naming the problem', async (t) => {
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/models', headers: { authorization: writer }, payload: payload as object });
  const tooMany = await post({ ...body, classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] });
  t.match(tooMany.json(), { status: 400, field: 'classes' });
  const wrongSize = await post({
    ...body,
    images: [{ channels: { DNA: 'tenants/lab-a/exp123/A01_s1_w1.tif' }, labels: 'tenants/lab-a/labels/small.png' }],
  });
  t.match(wrongSize.json(), {
    status: 400,
    detail: /no object 'tenants\/lab-a\/labels\/small.png' in this tenant's storage/,
  });
  await deps.objects.put(
    'tenants/lab-a/labels/small.png',
    await sharp(Buffer.alloc(100, 1), { raw: { width: 10, height: 10, channels: 1 } })
      .png()
      .toBuffer(),
  );
  const small = await post({
    ...body,
    images: [{ channels: { DNA: 'tenants/lab-a/exp123/A01_s1_w1.tif' }, labels: 'tenants/lab-a/labels/small.png' }],
  });
  t.match(small.json(), { status: 400, field: 'labels', detail: /is 10×10, the image is 160×160/ });
  const oneClass = await post({ ...body, classes: ['background', 'nucleus', 'mitotic'] });
  t.match(oneClass.json(), { status: 400, detail: /no labelled pixels of class 'mitotic'/ });
  await deps.objects.put('tenants/lab-a/exp123/readme.txt', 'hello');
  const text = await post({
    ...body,
    images: [{ channels: { DNA: 'tenants/lab-a/exp123/readme.txt' }, labels: 'tenants/lab-a/labels/A01_s1.png' }],
  });
  t.match(text.json(), { status: 400, code: 'not_an_image', detail: /tenants\/lab-a\/exp123\/readme.txt/ });
});

t.test('POST /v1/models with classifier forest trains a random forest the preview runs', async (t) => {
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/v1/models', headers: { authorization: writer }, payload });
  const res = await post({ ...body, name: 'nuclei-forest', classifier: 'forest', trees: 10 });
  t.equal(res.statusCode, 201, res.body);
  const model = res.json();
  t.match(model, {
    name: 'nuclei-forest',
    architecture: { classifier: 'forest', hidden: 0, trees: 10, maxDepth: 10, minLeaf: 5, features: 24 },
  });
  for (const c of model.metrics.perClass) t.ok(c.accuracy > 0.9, `${c.className} accuracy ${c.accuracy}`);
  t.same((await app.inject({ url: model.links.self, headers: { authorization: reader } })).json(), model);

  const mask = await app.inject({
    method: 'POST',
    url: `${model.links.preview}?output=mask`,
    headers: { authorization: reader },
    payload: { channels: { DNA: 'tenants/lab-a/exp123/A01_s2_w1.tif' } },
  });
  t.equal(mask.statusCode, 200, mask.body);
  const { data } = await sharp(mask.rawPayload).raw().toBuffer({ resolveWithObject: true });
  t.same(
    [...new Set(data)].sort((a, b) => a - b),
    [0, 255],
  );

  t.match((await post({ ...body, trees: 5 })).json(), { status: 400, field: 'trees', detail: /forest classifier/ });
  t.match((await post({ ...body, classifier: 'forest', hidden: 8 })).json(), { status: 400, field: 'hidden' });
  t.match((await post({ ...body, classifier: 'forest', trees: 0 })).json(), { status: 400 });
  t.match((await post({ ...body, classifier: 'boosted' })).json(), { status: 400 });
});

t.test("POST /v1/models with base 'nuclei' fine-tunes the nuclei network at the given diameter", async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: writer },
    payload: { ...body, name: 'nuclei-taught', base: 'nuclei', objectDiameter: 14 },
  });
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json(), {
    name: 'nuclei-taught',
    architecture: { classifier: 'network', base: /^[0-9a-f]{16}$/, objectDiameter: 14 },
    metrics: { perClass: [{ className: 'background' }, { className: 'nucleus' }] },
  });
});

t.test("base 'nuclei': objectDiameter out of range, or without that base, and filter-bank options → 400", async (t) => {
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/v1/models', headers: { authorization: writer }, payload });
  for (const objectDiameter of [1.5, 1001, '14']) {
    const refused = await post({ ...body, base: 'nuclei', objectDiameter });
    t.equal(refused.statusCode, 400, `objectDiameter ${objectDiameter}`);
    t.match(refused.json(), { status: 400, field: 'objectDiameter' });
  }
  t.match((await post({ ...body, objectDiameter: 14 })).json(), {
    status: 400,
    field: 'objectDiameter',
    detail: /an option of base: nuclei/,
  });
  t.match((await post({ ...body, base: 'nuclei', classifier: 'forest' })).json(), {
    status: 400,
    field: 'classifier',
    detail: /'classifier' is an option of base: none/,
  });
  t.match((await post({ ...body, base: 'pretrained' })).json(), { status: 400, field: 'base' });
});

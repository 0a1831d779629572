import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { build } from '../../helpers/build.js';

const { app, deps, keyFor } = await build(t);
const writer = await keyFor('lab-a', ['models:write', 'jobs:read']);
const SIZE = 160;

// Two labelled synthetic fields as files on a lab machine: a 16-bit TIFF and an 8-bit PNG of sparse strokes each.
const images: Buffer[] = [];
const labels: Buffer[] = [];
for (const seed of [1, 2]) {
  const field = renderField({ width: SIZE, height: SIZE, seed, count: 14, radius: [5, 9] });
  images.push(await encodeTiff(field.channels[0], SIZE, SIZE, 16));
  const strokes = paintStrokes(field.labels, { width: SIZE, height: SIZE, seed, fraction: 0.02 });
  labels.push(
    await sharp(strokes, { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

type Part = string | { file: string; bytes: Buffer };

/** A multipart body as a browser or a script's fetch would send it: undici's FormData encoded by a Response. */
async function form(parts: [string, Part][]) {
  const data = new FormData();
  for (const [name, part] of parts) {
    if (typeof part === 'string') data.append(name, part);
    else data.append(name, new Blob([part.bytes]), part.file);
  }
  const encoded = new Response(data);
  return {
    payload: Buffer.from(await encoded.arrayBuffer()),
    headers: { 'content-type': encoded.headers.get('content-type')! },
  };
}

const fieldParts = (field: string, n = 2): [string, Part][] =>
  images.slice(0, n).map((bytes, i) => [field, { file: `A01_s${i + 1}_w1.tif`, bytes }]);
const labelParts = (n = 2): [string, Part][] =>
  labels.slice(0, n).map((bytes, i) => ['labels', { file: `A01_s${i + 1}.png`, bytes }]);

async function post(parts: [string, Part][], headers: Record<string, string> = {}) {
  const body = await form(parts);
  return app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: writer, ...headers, ...body.headers },
    payload: body.payload,
  });
}

const stored = async () => (await deps.objects.list('training/')).objects.map((o) => o.key);

t.test('a multipart form trains (201) with metrics; the model previews', async (t) => {
  const res = await post([
    ['name', 'nuclei-form'],
    ['classes', 'background, nucleus'],
    ...fieldParts('image'),
    ...labelParts(),
  ]);
  t.equal(res.statusCode, 201, res.body);
  const model = res.json();
  t.match(model, {
    name: 'nuclei-form',
    version: 1,
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    architecture: { classifier: 'mlp' },
    metrics: { perClass: [{ className: 'background' }, { className: 'nucleus' }] },
  });
  for (const c of model.metrics.perClass) t.ok(c.accuracy > 0.9 && c.heldOutPixels > 0, `${c.className}`);
  t.match(model.trainingImages, [/^training\/lab-a\/[0-9a-f-]{36}\/0\/image$/, /\/1\/image$/]);
  t.equal((await stored()).length, 4, 'the files stay, under the keys the model names');

  const preview = await app.inject({
    method: 'POST',
    url: model.links.preview,
    headers: { authorization: writer, 'content-type': 'image/tiff' },
    payload: images[1],
  });
  t.equal(preview.statusCode, 200, preview.body);
  t.match(await sharp(preview.rawPayload).metadata(), { width: SIZE, height: SIZE });
});

t.test('two channels as image.<channel> parts, interleaved; the JSON body options as text', async (t) => {
  const [dna, ph3, label] = [fieldParts('image.DNA'), fieldParts('image.PH3'), labelParts()];
  const res = await post([
    ['name', 'nuclei-form-opts'],
    ['classes', 'background,nucleus'],
    ['channels', 'DNA, PH3'],
    ['hidden', '0'],
    ['seed', '7'],
    ['normalization', 'percentile'],
    // Image by image, each part name in image order: the i-th part of a name belongs to image i.
    ...[0, 1].flatMap((i) => [dna[i]!, label[i]!, ph3[i]!]),
  ]);
  t.equal(res.statusCode, 201, res.body);
  const model = res.json();
  t.same(model.channels, ['DNA', 'PH3']);
  t.match(model.architecture, { classifier: 'logistic', hidden: 0, seed: 7, normalization: 'percentile' });
  t.match(model.trainingImages, [/\/0\/image.DNA\+training\/.*\/0\/image.PH3$/, /\/1\/image.DNA\+.*\/1\/image.PH3$/]);
});

t.test('a bad form → 400 naming the problem, and its files are removed', async (t) => {
  const before = await stored();
  const base: [string, Part][] = [
    ['name', 'bad'],
    ['classes', 'background,nucleus'],
  ];

  const mismatch = await post([...base, ...fieldParts('image'), ...labelParts(1)]);
  t.match(mismatch.json(), { status: 400, field: 'labels', detail: /2 'image' parts but 1 'labels' parts/ });

  const text = await post([
    ...base,
    ['image', { file: 'readme.txt', bytes: Buffer.from('hello') }],
    ['image', { file: 'A01_s2_w1.tif', bytes: images[1]! }],
    ...labelParts(),
  ]);
  t.match(text.json(), {
    status: 400,
    code: 'not_an_image',
    detail: /^'readme.txt' \(part 'image' of image 0\) is not a readable image/,
  });

  const noClasses = await post([['name', 'bad'], ...fieldParts('image'), ...labelParts()]);
  t.match(noClasses.json(), { status: 400, code: 'validation_failed', field: 'classes' });

  const oneClass = await post([['name', 'bad'], ['classes', 'background'], ...fieldParts('image'), ...labelParts()]);
  t.match(oneClass.json(), { status: 400, field: 'classes', detail: /form field 'classes' must not have fewer/ });

  const hidden = await post([...base, ['hidden', 'many'], ...fieldParts('image'), ...labelParts()]);
  t.match(hidden.json(), { status: 400, field: 'hidden', detail: /form field 'hidden' must be integer/ });

  const channel = await post([...base, ...fieldParts('image.PH3'), ...labelParts()]);
  t.match(channel.json(), { status: 400, field: 'image.PH3', detail: /names no channel of 'channels' \(DNA\)/ });

  const bare = await post([...base, ['channels', 'DNA,PH3'], ...fieldParts('image'), ...labelParts()]);
  t.match(bare.json(), { status: 400, field: 'image', detail: /send 'image.<channel>' parts/ });

  const labelsAsText = await post([...base, ...fieldParts('image'), ['labels', 'A01_s1.png']]);
  t.match(labelsAsText.json(), { status: 400, field: 'labels', detail: /must be a file/ });

  const malformed = await app.inject({
    method: 'POST',
    url: '/v1/models',
    headers: { authorization: writer, 'content-type': 'multipart/form-data' },
    payload: 'no boundary',
  });
  t.match(malformed.json(), { status: 400, code: 'bad_request', detail: /not a readable multipart form/ });

  const none = await app.inject({ method: 'POST', url: '/v1/models', headers: { authorization: writer } });
  t.match(none.json(), { status: 400, field: 'body', detail: 'a request body is required' });

  t.same(await stored(), before, 'refused forms leave no objects behind');
});

t.test('more than 50 images or a file over 16 MiB → 413', async (t) => {
  const before = await stored();
  const many: [string, Part][] = Array.from({ length: 51 }, (_, i) => [
    'labels',
    { file: `${i}.png`, bytes: labels[0]! },
  ]);
  const tooMany = await post([['name', 'big'], ['classes', 'a,b'], ...many]);
  t.match(tooMany.json(), { status: 413, code: 'too_many_images', field: 'labels', detail: /at most 50 images/ });

  const huge = await post([
    ['name', 'big'],
    ['classes', 'a,b'],
    ['image', { file: 'huge.tif', bytes: Buffer.alloc(16 * 1024 * 1024 + 1) }],
  ]);
  t.match(huge.json(), {
    status: 413,
    code: 'payload_too_large',
    detail: /^'huge.tif' \(part 'image' of image 0\) is larger than 16 MiB/,
  });
  t.equal(huge.headers.connection, 'close', 'the unread rest of a refused form ends with its connection');
  t.same(await stored(), before);
});

t.test('Idempotency-Key: the same form replays, another form with the key is 422', async (t) => {
  const parts: [string, Part][] = [
    ['name', 'nuclei-idem'],
    ['classes', 'background,nucleus'],
    ...fieldParts('image'),
    ...labelParts(),
  ];
  const first = await post(parts, { 'idempotency-key': 'form-1' });
  t.equal(first.statusCode, 201, first.body);
  const before = await stored();
  const again = await post(parts, { 'idempotency-key': 'form-1' });
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), first.json());
  t.same(await stored(), before, 'a replay keeps none of the files it carried');
  const other = await post([...parts.slice(0, 2), ...fieldParts('image', 1), ...labelParts(1)], {
    'idempotency-key': 'form-1',
  });
  t.match(other.json(), { status: 422, code: 'idempotency_key_reused' });
});

t.test('only this route takes forms: multipart elsewhere, or text here, is 415', async (t) => {
  const body = await form([['experimentId', 'AS_09125']]);
  const jobs = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { authorization: await keyFor('lab-a', ['jobs:write']), ...body.headers },
    payload: body.payload,
  });
  t.match(jobs.json(), { status: 415, code: 'unsupported_media_type' });
  const preview = await app.inject({
    method: 'POST',
    url: '/v1/models/mdl_any/preview',
    headers: { authorization: writer, ...body.headers },
    payload: body.payload,
  });
  t.equal(preview.statusCode, 415);
  for (const url of ['/v1/models', '/v1/models/mdl_any/preview']) {
    const text = await app.inject({
      method: 'POST',
      url,
      headers: { authorization: writer, 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    t.equal(text.statusCode, 415, url);
  }
});

const taughtForm: [string, Part][] = [
  ['name', 'nuclei-form-taught'],
  ['classes', 'background,nucleus'],
  ['base', 'nuclei'],
];

t.test("base 'nuclei' in a form, objectDiameter as text", async (t) => {
  const res = await post([...taughtForm, ['objectDiameter', '14.5'], ...fieldParts('image'), ...labelParts()]);
  t.equal(res.statusCode, 201, res.body);
  t.match(res.json().architecture, { classifier: 'network', objectDiameter: 14.5 });
});

t.test(
  "a form's objectDiameter is checked as the JSON body's; filter-bank options conflict with base 'nuclei'",
  async (t) => {
    for (const text of ['wide', '1', '1001', '-4', '1e2']) {
      const refused = await post([...taughtForm, ['objectDiameter', text], ...fieldParts('image'), ...labelParts()]);
      t.equal(refused.statusCode, 400, `objectDiameter '${text}'`);
      t.match(refused.json(), { status: 400, field: 'objectDiameter' });
    }
    const bank = await post([...taughtForm, ['trees', '5'], ...fieldParts('image'), ...labelParts()]);
    t.match(bank.json(), { status: 400, field: 'trees', detail: /'trees' is an option of base: none/ });
  },
);

import t from 'tap';
import { build, EXPERIMENT } from '../../helpers/build.js';

const { app, auth } = await build(t);

t.test('POST /v1/experiments creates (201), re-posting updates (200) and GET reads the new version', async (t) => {
  const created = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: EXPERIMENT,
  });
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { experimentId: 'AS_09125', version: 1, manifest: null });

  const first = await app.inject({ url: '/v1/experiments/AS_09125', headers: { authorization: auth } });
  t.same(first.json().channels, ['DNA', 'PH3', 'Cells']);

  const updated = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: { ...EXPERIMENT, channels: ['DNA', 'PH3'] },
  });
  t.equal(updated.statusCode, 200);
  t.equal(updated.json().version, 2);
  const read = await app.inject({ url: '/v1/experiments/AS_09125', headers: { authorization: auth } });
  t.same(read.json().channels, ['DNA', 'PH3'], 'the cached copy was invalidated');

  await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: { ...EXPERIMENT, experimentId: 'B' },
  });
  const page1 = await app.inject({ url: '/v1/experiments?limit=1', headers: { authorization: auth } });
  t.same(
    page1.json().items.map((e: { experimentId: string }) => e.experimentId),
    ['AS_09125'],
  );
  const page2 = await app.inject({
    url: `/v1/experiments?limit=1&cursor=${page1.json().nextCursor}`,
    headers: { authorization: auth },
  });
  t.same(
    page2.json().items.map((e: { experimentId: string }) => e.experimentId),
    ['B'],
  );
  t.equal(page2.json().nextCursor, null);
});

t.test('a manifest key outside imagePrefix is refused with 400 naming the key', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: {
      ...EXPERIMENT,
      naming: 'manifest',
      manifest: [
        { plate: 'P1', well: 'A1', field: 0, images: { DNA: 'tenants/lab-a/experiments/AS_09125/a.tif' } },
        { plate: 'P1', well: 'A2', field: 0, images: { DNA: 'elsewhere/b.tif' } },
      ],
    },
  });
  t.equal(res.statusCode, 400);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(res.json(), { code: 'validation_failed', field: 'manifest[1].images.DNA', detail: /elsewhere\/b\.tif/ });
});

t.test('a 1536-well experiment takes wells AA01 … AF48 in its manifest and refuses AG01', async (t) => {
  const post = (experimentId: string, well: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/experiments',
      headers: { authorization: auth },
      payload: {
        ...EXPERIMENT,
        experimentId,
        plateFormat: 1536,
        naming: 'manifest',
        manifest: [{ plate: 'P1', well, field: 0, images: { DNA: `${EXPERIMENT.imagePrefix}a.tif` } }],
      },
    });
  const ok = await post('hts', 'af48');
  t.equal(ok.statusCode, 201, ok.body);
  t.equal(ok.json().plateFormat, 1536);
  t.equal(ok.json().manifest[0].well, 'AF48');
  const outside = await post('hts2', 'AG01');
  t.equal(outside.statusCode, 400);
});

t.test('schema errors are 400 problem details naming the field', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: { ...EXPERIMENT, plateFormat: 48 },
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), {
    type: /validation_failed$/,
    title: 'Bad Request',
    status: 400,
    code: 'validation_failed',
    field: 'plateFormat',
  });
  const missing = await app.inject({ url: '/v1/experiments/nope', headers: { authorization: auth } });
  t.equal(missing.statusCode, 404);
  t.equal(missing.json().code, 'experiment_not_found');
});

t.test('objectDiameter: stored and returned, null when absent, refused out of range', async (t) => {
  const post = (payload: object) =>
    app.inject({ method: 'POST', url: '/v1/experiments', headers: { authorization: auth }, payload });
  const sized = await post({ ...EXPERIMENT, experimentId: 'sized', objectDiameter: 22.5 });
  t.equal(sized.statusCode, 201, sized.body);
  t.equal(sized.json().objectDiameter, 22.5);
  const read = await app.inject({ url: '/v1/experiments/sized', headers: { authorization: auth } });
  t.equal(read.json().objectDiameter, 22.5);
  const plain = await post({ ...EXPERIMENT, experimentId: 'plain' });
  t.equal(plain.json().objectDiameter, null);
  // Re-posting without it: the experiment is replaced, so it goes back to estimated per image.
  const cleared = await post({ ...EXPERIMENT, experimentId: 'sized' });
  t.equal(cleared.json().objectDiameter, null);
  for (const objectDiameter of [1, 1000.5, -3, '20']) {
    const res = await post({ ...EXPERIMENT, experimentId: 'bad', objectDiameter });
    t.equal(res.statusCode, 400, `objectDiameter ${objectDiameter}`);
    t.equal(res.json().field, 'objectDiameter');
  }
});

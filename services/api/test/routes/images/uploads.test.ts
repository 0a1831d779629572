import sharp from 'sharp';
import t from 'tap';
import { build } from '../../helpers/build.js';

t.test('upload an image, view it stretched; tenants see only their own; non-images are refused', async (t) => {
  const { app, deps, keyFor } = await build(t);
  const writer = await keyFor('lab-a', ['models:write', 'jobs:read']);
  const png = await sharp(
    new Uint16Array(8 * 8).map((_, i) => 300 + i),
    { raw: { width: 8, height: 8, channels: 1 } },
  )
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const up = await app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: { authorization: writer, 'content-type': 'image/png' },
    payload: png,
  });
  t.equal(up.statusCode, 201);
  const body = up.json();
  t.match(body, { key: /^uploads\/lab-a\/[0-9a-f]{64}\.png$/, width: 8, height: 8 });
  t.same(await deps.objects.get(body.key), png, 'stored as sent');

  const view = await app.inject({ url: `/v1/uploads/${body.file}/view`, headers: { authorization: writer } });
  t.equal(view.statusCode, 200);
  t.equal(view.headers['content-type'], 'image/png');

  const other = await keyFor('lab-b', ['jobs:read']);
  t.equal(
    (await app.inject({ url: `/v1/uploads/${body.file}/view`, headers: { authorization: other } })).statusCode,
    404,
  );

  const bad = await app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: { authorization: writer, 'content-type': 'image/png' },
    payload: Buffer.from('not an image'),
  });
  t.equal(bad.statusCode, 400);
  t.equal(bad.json().field, 'body');
  const reader = await keyFor('lab-a', ['jobs:read']);
  const forbidden = await app.inject({
    method: 'POST',
    url: '/v1/uploads',
    headers: { authorization: reader, 'content-type': 'image/png' },
    payload: png,
  });
  t.equal(forbidden.statusCode, 403, 'uploading needs models:write');
});

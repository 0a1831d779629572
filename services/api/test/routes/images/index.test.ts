import { gzipSync } from 'node:zlib';
import { tables } from '@platescale/db';
import sharp from 'sharp';
import t from 'tap';
import { build, EXPERIMENT } from '../../helpers/build.js';

const PLATE = 'AS_09125_050116030001';

t.test('a field of a job: channel PNG, mask overlay, objects CSV; tenants and missing fields', async (t) => {
  const { app, deps, database, auth, keyFor } = await build(t);
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, headers: { authorization: auth }, payload: payload as object });
  t.equal((await post('/v1/experiments', EXPERIMENT)).statusCode, 201);
  const job = (await post('/v1/jobs', { experimentId: EXPERIMENT.experimentId, segmentationChannel: 'DNA' })).json();
  const prefix = `jobs/${job.jobId}/`;

  const raw = await sharp(
    new Uint16Array(16 * 16).map((_, i) => 100 + i),
    { raw: { width: 16, height: 16, channels: 1 } },
  )
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const mask = await sharp(new Uint16Array(16 * 16).fill(1), { raw: { width: 16, height: 16, channels: 1 } })
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const channelKey = `${EXPERIMENT.imagePrefix}${PLATE}_D03f00d0.tif`;
  await deps.objects.put(channelKey, raw);
  await deps.objects.put(
    `${prefix}manifest.json`,
    JSON.stringify([{ plate: PLATE, well: 'D03', field: 0, images: { DNA: channelKey } }]),
  );
  await deps.objects.put(`${prefix}masks/${PLATE}/D03/f0.png`, mask);
  await deps.objects.put(
    `${prefix}objects/${PLATE}/D03/f0.jsonl.gz`,
    gzipSync('{"ObjectNumber":1,"AreaShape_Area":256}\n'),
  );
  await database.db.insert(tables.imageResults).values({
    jobId: job.jobId,
    plate: PLATE,
    well: 'D03',
    field: 0,
    ok: true,
    cellCount: 1,
    maskKey: `${prefix}masks/${PLATE}/D03/f0.png`,
    objectsKey: `${prefix}objects/${PLATE}/D03/f0.jsonl.gz`,
  });

  const base = `/v1/jobs/${job.jobId}/fields/${PLATE}/D03/0`;
  const get = (url: string, authorization = auth) => app.inject({ method: 'GET', url, headers: { authorization } });

  const channel = await get(`${base}/channels/DNA`);
  t.equal(channel.statusCode, 200);
  t.equal(channel.headers['content-type'], 'image/png');
  t.equal((await sharp(channel.rawPayload).metadata()).width, 16);

  const overlay = await get(`${base}/mask`);
  t.equal(overlay.statusCode, 200);
  t.equal((await sharp(overlay.rawPayload).metadata()).channels, 4);

  const csv = await get(`${base}/objects.csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.match(csv.headers['content-disposition'], /attachment; filename=".+_D03_f0\.csv"/);
  t.equal(csv.payload, 'ObjectNumber,AreaShape_Area\n1,256\n');

  t.equal((await get(`${base}/channels/PH3`)).json().code, 'channel_not_found', 'a channel the field lacks');
  t.equal((await get(`/v1/jobs/${job.jobId}/fields/${PLATE}/D04/0/mask`)).statusCode, 404, 'a field without results');
  const other = await keyFor('lab-b', ['jobs:read']);
  t.equal((await get(`${base}/channels/DNA`, other)).statusCode, 404, "another tenant's job does not exist");
  t.equal((await app.inject({ method: 'GET', url: `${base}/mask` })).statusCode, 401, 'the key is required');
});

import { setTimeout as sleep } from 'node:timers/promises';
import { tables } from '@platescale/db';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { createApiKey, revokeApiKey } from '../../../src/auth/keys.js';
import { build, EXPERIMENT, finishJob, submitJob } from '../../helpers/build.js';

const { app, auth, fake, database } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });

function parse(stream: string) {
  return stream
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const field = (name: string) => block.match(new RegExp(`^${name}: (.*)$`, 'm'))?.[1];
      return { id: field('id'), event: field('event'), data: JSON.parse(field('data') ?? 'null') };
    });
}

t.test('progress snapshots while running, then the terminal event; resumable with Last-Event-ID', async (t) => {
  const jobId = await submitJob(app, headers);
  fake.setCounts(jobId, { total: 4, succeeded: 1, running: 1, pending: 2 });
  const progress = (async () => {
    await sleep(700);
    fake.setCounts(jobId, { total: 4, succeeded: 3, failed: 0, running: 1, pending: 0 });
    await sleep(700);
    await finishJob(database, jobId, [
      { well: 'A01', cellCount: 10 },
      { well: 'A02', cellCount: 12 },
    ]);
  })();
  const started = Date.now();
  const res = await app.inject({ url: `/v1/jobs/${jobId}/events`, headers });
  await progress;
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/event-stream/);
  const events = parse(res.body);
  t.same(
    events.map((e) => [e.id, e.event]),
    [
      ['1', 'progress'],
      ['3', 'progress'],
      ['end', 'finished'],
    ],
  );
  t.match(events[0]!.data, { jobId, status: 'RUNNING', progress: { total: 4, succeeded: 1 }, percent: 25 });
  t.match(events[1]!.data, { percent: 75, imagesPerSecond: Number, etaSeconds: Number });
  t.match(events[2]!.data, { jobId, status: 'SUCCEEDED' });
  t.ok(Date.now() - started >= 1000, 'the stream stayed open while the job ran');

  const resumed = await app.inject({ url: `/v1/jobs/${jobId}/events`, headers: { ...headers, 'last-event-id': '3' } });
  t.same(
    parse(resumed.body).map((e) => e.event),
    ['finished'],
  );
  const over = await app.inject({ url: `/v1/jobs/${jobId}/events`, headers: { ...headers, 'last-event-id': 'end' } });
  t.equal(over.statusCode, 204);
  t.equal((await app.inject({ url: '/v1/jobs/job_missing/events', headers })).statusCode, 404);
});

t.test('a revoked key ends its open streams: at once in this process, within 10 s elsewhere', async (t) => {
  const jobId = await submitJob(app, headers);
  fake.setCounts(jobId, { total: 4, succeeded: 1, running: 1, pending: 2 });
  for (const revoke of [
    (keyId: string) => revokeApiKey(database, keyId),
    // Another process (an API replica, `keys revoke`): only the database knows.
    (keyId: string) =>
      database.db.update(tables.apiKeys).set({ revokedAt: new Date() }).where(eq(tables.apiKeys.id, keyId)),
  ]) {
    const key = await createApiKey(database, { tenant: 'lab-a', scopes: ['jobs:read'] });
    const started = Date.now();
    const stream = app.inject({ url: `/v1/jobs/${jobId}/events`, headers: { authorization: `Bearer ${key.key}` } });
    await sleep(600);
    await revoke(key.keyId);
    const res = await stream;
    const events = parse(res.body);
    t.same(events.at(-1), { id: undefined, event: 'error', data: { message: 'the API key was revoked' } });
    t.equal(events[0]?.event, 'progress', 'it streamed until then');
    t.ok(Date.now() - started < 600 + 10_000 + 1500, `ended ${Date.now() - started} ms after it opened`);
  }
});

t.test('streams are capped per key; the cap frees as streams end', async (t) => {
  const capped = await build(t, { env: { API_MAX_STREAMS_PER_KEY: '2' } });
  await capped.app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: capped.auth },
    payload: EXPERIMENT,
  });
  const jobId = await submitJob(capped.app, { authorization: capped.auth });
  const open = (authorization: string) =>
    capped.app.inject({ url: `/v1/jobs/${jobId}/events`, headers: { authorization } });
  const streams = [open(capped.auth), open(capped.auth)];
  await sleep(300);
  const third = await open(capped.auth);
  t.equal(third.statusCode, 429);
  t.match(third.json(), { code: 'too_many_streams', detail: /already has 2 open event streams/ });
  const other = capped.keyFor('lab-a', ['jobs:read']).then(open);
  await sleep(300);
  await finishJob(capped.database, jobId, [{ well: 'A01', cellCount: 1 }]);
  for (const res of [...(await Promise.all(streams)), await other]) {
    t.equal(res.statusCode, 200);
    t.equal(parse(res.body).at(-1)?.event, 'finished');
  }
  t.equal((await open(capped.auth)).statusCode, 200, 'free again once the streams ended');
});

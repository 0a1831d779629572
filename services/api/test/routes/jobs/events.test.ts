import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
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

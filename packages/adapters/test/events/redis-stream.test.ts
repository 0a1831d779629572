import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@platescale/shared';
import { Redis } from 'ioredis';
import t from 'tap';
import { EventTooLargeError } from '../../src/errors.js';
import { createRedisStreamEventBus } from '../../src/events/redis-stream.js';

const url = process.env.REDIS_URL;
const quiet = { warn() {}, error() {} };
const event = { source: 'platescale.analysis', detailType: 'AnalysisJobSucceeded', detail: { jobId: 'j1' } };

async function until(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

t.test('between processes over a Redis stream (REDIS_URL)', { skip: url ? false : 'REDIS_URL not set' }, async (t) => {
  const stream = `platescale-test:events:${randomUUID()}`;
  const admin = new Redis(url as string);
  t.teardown(async () => {
    await admin.del(stream);
    admin.disconnect();
  });
  const bus = (consumer: string) =>
    createRedisStreamEventBus({
      url: url as string,
      stream,
      consumer,
      region: 'eu-west-1',
      account: '123456789012',
      blockMs: 100,
      retryDelayMs: 1,
      logger: quiet,
    });
  const publisher = bus('publisher');
  const subscriber = bus('api-1');
  t.teardown(() => Promise.all([publisher.close(), subscriber.close()]));

  // Published before anyone subscribed: still delivered once a consumer joins.
  const [early] = await publisher.publish([event]);
  const seen: EventEnvelope[] = [];
  let flakyAttempts = 0;
  subscriber.subscribe(async (e) => {
    if ((e.detail as { flaky?: boolean }).flaky && ++flakyAttempts === 1) throw new Error('once');
    seen.push(e);
  });
  const [late] = await publisher.publish([{ ...event, detail: { jobId: 'j2', flaky: true } }]);
  await until(() => seen.length === 2);
  await subscriber.drain();
  t.same(
    seen.map((e) => e.id),
    [early, late],
  );
  t.match(seen[0], { version: '0', account: '123456789012', region: 'eu-west-1', detail: { jobId: 'j1' } });
  t.equal(flakyAttempts, 2, 'a failing subscriber was retried');
  await new Promise((r) => setTimeout(r, 200));
  const pending = (await admin.xpending(stream, 'platescale')) as [number, ...unknown[]];
  t.equal(pending[0], 0, 'every entry acknowledged');
  await t.rejects(publisher.publish([{ ...event, detail: { x: 'x'.repeat(300_000) } }]), EventTooLargeError);
});

t.test('publishing with Redis down fails with UnavailableError', async (t) => {
  const bus = createRedisStreamEventBus({
    url: 'redis://127.0.0.1:1',
    stream: 's',
    region: 'r',
    account: 'a',
    logger: quiet,
  });
  t.teardown(() => bus.close());
  await t.rejects(bus.publish([event]), { name: 'UnavailableError' });
});

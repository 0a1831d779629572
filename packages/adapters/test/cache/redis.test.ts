import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createRedisCache } from '../../src/cache/redis.js';
import { InvalidTtlError } from '../../src/errors.js';

const quiet = { warn() {}, error() {} };

t.test('against a real Redis (REDIS_URL)', { skip: process.env.REDIS_URL ? false : 'REDIS_URL not set' }, async (t) => {
  const prefix = `platescale-test:${randomUUID()}:`;
  const cache = createRedisCache(process.env.REDIS_URL as string, prefix, { logger: quiet });
  t.teardown(() => cache.close());
  t.equal(await cache.ping(), true);
  t.equal(await cache.get('missing'), undefined);
  await cache.set('k', 'value', 1);
  t.equal(await cache.get('k'), 'value');
  await new Promise((r) => setTimeout(r, 1_100));
  t.equal(await cache.get('k'), undefined, 'expired by Redis EX');
  await cache.set('d', 'v', 60);
  await cache.delete('d');
  t.equal(await cache.get('d'), undefined);
  await t.rejects(cache.set('k', 'v', 0), InvalidTtlError);
});

t.test('Redis down: reads miss, writes are dropped, ping is false, nothing throws', async (t) => {
  const logged: string[] = [];
  // Port 1 on localhost refuses connections immediately.
  const cache = createRedisCache('redis://127.0.0.1:1', 'p:', {
    commandTimeoutMs: 200,
    logger: { warn: (_o, msg) => logged.push(msg), error() {} },
  });
  t.teardown(() => cache.close());
  const started = Date.now();
  t.equal(await cache.get('k'), undefined);
  await cache.set('k', 'v', 10);
  await cache.delete('k');
  t.equal(await cache.ping(), false);
  t.ok(Date.now() - started < 3_000, 'bounded by short timeouts');
  t.equal(logged.length, 1, 'the outage is logged once');
});

import { spawnSync } from 'node:child_process';
import t from 'tap';
import { createMemoryCache } from '../../src/cache/memory.js';
import { InvalidTtlError } from '../../src/errors.js';

t.test('entries expire on read at their TTL, like Redis EX', async (t) => {
  let now = 1_000_000;
  const cache = createMemoryCache({ now: () => now });
  t.teardown(() => cache.close());
  await cache.set('a', '1', 2);
  t.equal(await cache.get('a'), '1');
  now += 1_999;
  t.equal(await cache.get('a'), '1', 'still there just before the TTL');
  now += 1;
  t.equal(await cache.get('a'), undefined, 'gone at the TTL');
  await cache.set('b', '2', 10);
  await cache.delete('b');
  t.equal(await cache.get('b'), undefined);
  t.equal(await cache.ping(), true);
});

t.test('the periodic sweep frees entries nobody reads', async (t) => {
  let now = 0;
  const cache = createMemoryCache({ now: () => now, sweepIntervalMs: 5 });
  t.teardown(() => cache.close());
  await cache.set('x', 'v', 1);
  await cache.set('y', 'v', 100);
  t.equal(cache.heldEntries, 2);
  now = 5_000;
  await new Promise((r) => setTimeout(r, 30));
  t.equal(cache.heldEntries, 1, 'the expired entry was swept without being read');
});

t.test('TTLs Redis would refuse are refused', async (t) => {
  const cache = createMemoryCache();
  t.teardown(() => cache.close());
  for (const ttl of [0, -1, 1.5, Number.NaN]) await t.rejects(cache.set('k', 'v', ttl), InvalidTtlError);
});

t.test('the sweep timer does not keep the process alive', async (t) => {
  const module = new URL('../../src/cache/memory.ts', import.meta.url).href;
  const code = `const { createMemoryCache } = await import(${JSON.stringify(module)}); createMemoryCache({ sweepIntervalMs: 10 });`;
  const started = Date.now();
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    timeout: 20_000,
  });
  t.equal(status, 0, 'the process exits on its own');
  t.ok(Date.now() - started < 20_000);
});

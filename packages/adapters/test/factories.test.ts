import { join } from 'node:path';
import { loadConfig } from '@platescale/shared';
import t from 'tap';
import { createCache, createEventBus, createObjectStore } from '../src/factories.js';

t.test('embedded adapters when no service is configured', async (t) => {
  const config = loadConfig({ PLATESCALE_HOME: '/tmp/platescale-factories', LOCAL_BUCKET: 'local-bucket' });
  const cache = createCache(config);
  t.teardown(() => cache.close());
  t.equal(await cache.ping(), true);
  const objects = createObjectStore(config);
  t.equal(objects.bucket, 'local-bucket');
  await t.rejects(objects.get('absent'), { code: 'object_not_found', message: /local-bucket/ });
  const bus = createEventBus(config);
  const seen: string[] = [];
  bus.subscribe(async (e) => {
    seen.push(e.account);
  });
  await bus.publish([{ source: 's', detailType: 'd', detail: {} }]);
  await bus.drain();
  t.same(seen, ['000000000000']);
  t.equal(join(config.home, 'objects'), '/tmp/platescale-factories/objects');
});

t.test('a Redis stream bus when EVENTS_REDIS_URL is set (and no EventBridge bus)', async (t) => {
  const bus = createEventBus(loadConfig({ EVENTS_REDIS_URL: 'redis://127.0.0.1:1' }), { warn() {}, error() {} });
  await t.rejects(bus.publish([{ source: 's', detailType: 'd', detail: {} }]), { name: 'UnavailableError' });
  await (bus as unknown as { close(): Promise<void> }).close();
});

t.test('AWS adapters when their variables are set', async (t) => {
  const config = loadConfig({
    REDIS_URL: 'redis://127.0.0.1:1',
    S3_BUCKET: 'platescale-data',
    S3_ENDPOINT: 'http://127.0.0.1:1',
    EVENT_BUS_NAME: 'platescale',
  });
  const cache = createCache(config, { warn() {}, error() {} });
  t.teardown(() => cache.close());
  t.equal(await cache.ping(), false, 'the Redis adapter, with nothing listening');
  t.equal(createObjectStore(config).bucket, 'platescale-data');
  const bus = createEventBus(config);
  let called = false;
  bus.subscribe(async () => {
    called = true;
  });
  await bus.drain();
  t.notOk(called, 'EventBridge bus: subscribe is a no-op');
});

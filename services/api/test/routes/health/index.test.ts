import type { Cache } from '@platescale/shared';
import t from 'tap';
import { build, EXPERIMENT } from '../../helpers/build.js';

const { app, deps, auth } = await build(t);

t.test('live and ready without a key', async (t) => {
  t.same((await app.inject({ url: '/health/live' })).json(), { status: 'ok' });
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), {
    status: 'ok',
    checks: {
      database: { status: 'up' },
      cache: { status: 'up' },
      objects: { status: 'up' },
      workflow: { status: 'up' },
    },
  });
});

t.test('with the cache down the API still answers, and /health/ready says degraded', async (t) => {
  const cache = deps.cache as Cache;
  const original = { get: cache.get, set: cache.set, ping: cache.ping };
  const down = async (): Promise<never> => {
    throw new Error('ECONNREFUSED');
  };
  Object.assign(cache, { get: down, set: down, ping: async () => false });
  t.teardown(() => Object.assign(cache, original));
  const ready = await app.inject({ url: '/health/ready' });
  t.equal(ready.statusCode, 200);
  t.match(ready.json(), { status: 'degraded', checks: { cache: { status: 'down' } } });
  const created = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: auth },
    payload: EXPERIMENT,
  });
  t.equal(created.statusCode, 201);
  const read = await app.inject({ url: '/v1/experiments/AS_09125', headers: { authorization: auth } });
  t.equal(read.statusCode, 200, 'experiments are read from the database');
});

import t from 'tap';
import { build } from '../../helpers/build.js';

const dns: Record<string, string[]> = { 'hooks.example.org': ['93.184.216.34'], 'lims.internal': ['10.0.3.7'] };
const { app, auth, keyFor } = await build(t, {
  env: { PLATESCALE_MODE: 'production', WEBHOOK_ALLOW_LOCALHOST: 'false' },
  resolveHost: async (host) => dns[host] ?? [],
});
const headers = { authorization: auth };
const subscribe = (url: string, h = headers) =>
  app.inject({
    method: 'POST',
    url: '/v1/webhooks',
    headers: h,
    payload: { url, eventTypes: ['AnalysisJobSucceeded'] },
  });

t.test('production mode refuses loopback, metadata and private targets with 400', async (t) => {
  for (const url of [
    'http://127.0.0.1:8080/hook',
    'http://169.254.169.254/latest/meta-data',
    'https://lims.internal/hook',
  ]) {
    const res = await subscribe(url);
    t.equal(res.statusCode, 400, url);
    t.match(res.json(), { code: 'unsafe_webhook_url', field: 'url' });
  }
});

t.test('create returns the secret once; list/get never show it; delete hides it; other tenants get 404', async (t) => {
  const created = await subscribe('https://hooks.example.org/platescale');
  t.equal(created.statusCode, 201, created.body);
  const hook = created.json();
  t.match(hook, { url: 'https://hooks.example.org/platescale', enabled: true, secret: /^whsec_/ });
  const read = await app.inject({ url: `/v1/webhooks/${hook.webhookId}`, headers });
  t.notOk('secret' in read.json());
  const list = await app.inject({ url: '/v1/webhooks', headers });
  t.same(
    list.json().items.map((w: { webhookId: string }) => w.webhookId),
    [hook.webhookId],
  );
  t.notOk('secret' in list.json().items[0]);

  const other = await keyFor('lab-b', ['webhooks:manage']);
  t.equal(
    (await app.inject({ url: `/v1/webhooks/${hook.webhookId}`, headers: { authorization: other } })).statusCode,
    404,
  );
  t.equal(
    (await app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.webhookId}`, headers: { authorization: other } }))
      .statusCode,
    404,
  );
  const reader = await keyFor('lab-a', ['jobs:read']);
  t.equal((await app.inject({ url: '/v1/webhooks', headers: { authorization: reader } })).statusCode, 403);

  const deliveries = await app.inject({ url: `/v1/webhooks/${hook.webhookId}/deliveries`, headers });
  t.same(deliveries.json(), { items: [], nextCursor: null });
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.webhookId}`, headers })).statusCode, 204);
  t.equal((await app.inject({ url: `/v1/webhooks/${hook.webhookId}`, headers })).statusCode, 404);
});

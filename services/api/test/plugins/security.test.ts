import t from 'tap';
import { build } from '../helpers/build.js';

const { app, auth, keyFor } = await build(t, { env: { API_RATE_LIMIT_PER_MINUTE: '3', API_BODY_LIMIT_BYTES: '2048' } });

t.test('per-key rate limit: 429 problem with Retry-After; security headers on every answer', async (t) => {
  const statuses: number[] = [];
  let last: Awaited<ReturnType<typeof app.inject>> | undefined;
  for (let i = 0; i < 4; i++) {
    last = await app.inject({ url: '/v1/jobs', headers: { authorization: auth } });
    statuses.push(last.statusCode);
  }
  t.same(statuses, [200, 200, 200, 429]);
  t.match(last!.json(), { status: 429, code: 'rate_limited' });
  t.ok(Number(last!.headers['retry-after']) > 0, 'Retry-After');
  t.equal(last!.headers['x-content-type-options'], 'nosniff');
  t.ok(last!.headers['content-security-policy']);
  const anonymous = await app.inject({ url: '/v1/jobs' });
  t.equal(anonymous.statusCode, 401, 'another client (no key) has its own budget');
});

t.test('bodies over the limit are refused with 413', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: await keyFor('lab-a', ['jobs:write']), 'content-type': 'application/json' },
    payload: JSON.stringify({ pad: 'x'.repeat(4096) }),
  });
  t.equal(res.statusCode, 413);
  t.equal(res.json().code, 'payload_too_large');
});

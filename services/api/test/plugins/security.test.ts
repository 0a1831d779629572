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

t.test(
  'unauthenticated and invalid-key requests are limited per client address before any database work',
  async (t) => {
    const { app, auth, database } = await build(t, {
      env: { API_RATE_LIMIT_PER_MINUTE: '100', API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: '5' },
    });
    // Counts the key lookups: every query of the verifier goes through db.select.
    let lookups = 0;
    const select = database.db.select.bind(database.db);
    database.db.select = ((...args: Parameters<typeof select>) => {
      lookups++;
      return select(...args);
    }) as typeof select;
    const junk = () => ({ authorization: `Bearer psk_${Math.random().toString(36).slice(2)}` });
    const remoteAddress = '10.0.0.1';

    t.equal((await app.inject({ url: '/v1/jobs', headers: { authorization: auth }, remoteAddress })).statusCode, 200);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await app.inject({ url: '/v1/jobs', headers: junk(), remoteAddress })).statusCode);
    t.same(statuses, [401, 401, 401, 401, 429, 429], "a key's first use and each random token count alike");
    const before = lookups;
    const limited = await app.inject({ url: '/v1/jobs', headers: junk(), remoteAddress });
    t.equal(limited.statusCode, 429);
    t.match(limited.json(), { code: 'rate_limited' });
    t.ok(Number(limited.headers['retry-after']) > 0, 'Retry-After');
    t.equal(lookups, before, 'refused before any key lookup');
    t.equal((await app.inject({ url: '/v1/jobs', remoteAddress })).statusCode, 429, 'no key at all');
    const ready = await app.inject({ url: '/health/ready', headers: junk(), remoteAddress });
    t.equal(ready.statusCode, 429, 'a junk token does not buy /health/ready a budget of its own');

    t.equal(
      (await app.inject({ url: '/v1/jobs', headers: { authorization: auth }, remoteAddress })).statusCode,
      200,
      'a key verified moments ago still works from that address',
    );
    t.equal(
      (await app.inject({ url: '/v1/jobs', headers: junk(), remoteAddress: '10.0.0.2' })).statusCode,
      401,
      'another address has its own budget',
    );
  },
);

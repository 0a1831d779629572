import t from 'tap';
import { build } from '../../helpers/build.js';

const { app, auth, keyFor } = await build(t);
const admin = { authorization: await keyFor('lab-a', ['admin']) };
const otherAdmin = { authorization: await keyFor('lab-b', ['admin']) };

const create = (scopes: unknown, headers: Record<string, string> = admin) =>
  app.inject({ method: 'POST', url: '/v1/keys', headers, payload: { scopes } });
const list = (headers: Record<string, string> = admin) => app.inject({ url: '/v1/keys', headers });
const revoke = (id: string, headers: Record<string, string> = admin) =>
  app.inject({ method: 'DELETE', url: `/v1/keys/${id}`, headers });

t.test('create returns the key once; it works at once and the list never shows a secret', async (t) => {
  const res = await create(['jobs:read']);
  t.equal(res.statusCode, 201, res.body);
  const created = res.json();
  t.match(created, { keyId: /^key_/, key: /^psk_/, scopes: ['jobs:read'], revokedAt: null });
  t.equal(created.prefix, created.key.slice(0, 8));
  t.equal((await app.inject({ url: '/v1/jobs', headers: { authorization: `Bearer ${created.key}` } })).statusCode, 200);

  const page = (await list()).json();
  t.equal(page.items[0].keyId, created.keyId, 'newest first');
  t.same(Object.keys(page.items[0]).sort(), ['createdAt', 'keyId', 'prefix', 'revokedAt', 'scopes']);
  t.notOk(JSON.stringify(page).includes(created.key), 'the key is nowhere in the list');
});

t.test('a tenant admin sees and manages only its own keys', async (t) => {
  const mine = (await create(['jobs:read'])).json();
  const theirs = (await list(otherAdmin)).json();
  t.notOk(theirs.items.some((k: { keyId: string }) => k.keyId === mine.keyId));
  t.equal(theirs.items.length, 1, "lab-b sees its one admin key and none of lab-a's");
  const denied = await revoke(mine.keyId, otherAdmin);
  t.equal(denied.statusCode, 404);
  t.equal(denied.json().code, 'api_key_not_found');
  t.equal((await revoke('key_does_not_exist')).statusCode, 404);
  const created = (await create(['jobs:write'], otherAdmin)).json();
  t.equal((await list()).json().items.filter((k: { keyId: string }) => k.keyId === created.keyId).length, 0);
});

t.test('revoking: 204, the key stops working at once, a second revoke is 204 again', async (t) => {
  const victim = (await create(['jobs:read'])).json();
  const headers = { authorization: `Bearer ${victim.key}` };
  t.equal((await app.inject({ url: '/v1/jobs', headers })).statusCode, 200, 'verified (and cached) before');
  const res = await revoke(victim.keyId);
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.equal((await app.inject({ url: '/v1/jobs', headers })).statusCode, 401);
  t.equal((await revoke(victim.keyId)).statusCode, 204);
  const listed = (await list()).json().items.find((k: { keyId: string }) => k.keyId === victim.keyId);
  t.match(listed, { revokedAt: String });
});

t.test('an admin key may revoke itself; its next call is 401', async (t) => {
  const self = (await create(['admin'])).json();
  const headers = { authorization: `Bearer ${self.key}` };
  t.equal((await revoke(self.keyId, headers)).statusCode, 204);
  t.equal((await list(headers)).statusCode, 401);
});

t.test('errors: 400 unknown or no scope, 403 without admin, 400 with an Idempotency-Key', async (t) => {
  const unknown = await create(['jobs:read', 'everything']);
  t.equal(unknown.statusCode, 400);
  t.match(unknown.json(), { code: 'validation_failed', field: /^scopes/ });
  t.equal((await create([])).statusCode, 400);
  t.equal((await create(['jobs:read', 'jobs:read'])).statusCode, 400, 'duplicates');

  const notAdmin = { authorization: auth };
  for (const res of [await list(notAdmin), await create(['jobs:read'], notAdmin), await revoke('key_x', notAdmin)]) {
    t.equal(res.statusCode, 403);
    t.match(res.json(), { code: 'insufficient_scope' });
  }
  t.equal((await list({})).statusCode, 401);

  const replayable = await app.inject({
    method: 'POST',
    url: '/v1/keys',
    headers: { ...admin, 'idempotency-key': 'k-1' },
    payload: { scopes: ['jobs:read'] },
  });
  t.equal(replayable.statusCode, 400);
  t.match(replayable.json(), { code: 'validation_failed', field: 'idempotency-key' });
});

t.test('the list pages with limit and cursor', async (t) => {
  const first = (await app.inject({ url: '/v1/keys?limit=1', headers: admin })).json();
  t.equal(first.items.length, 1);
  t.type(first.nextCursor, 'string');
  const second = (await app.inject({ url: `/v1/keys?limit=1&cursor=${first.nextCursor}`, headers: admin })).json();
  t.equal(second.items.length, 1);
  t.ok(second.items[0].keyId < first.items[0].keyId);
});

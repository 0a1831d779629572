import { tables } from '@platescale/db';
import { openTestDatabase } from '@platescale/db/testing';
import { eq } from 'drizzle-orm';
import t from 'tap';
import { assertGrantable, createApiKey, createKeyVerifier, revokeApiKey } from '../../src/auth/keys.js';

const database = await openTestDatabase();
t.teardown(() => database.dispose());
const { db } = database;

t.test('revokeApiKey is idempotent, keeps the first revokedAt and hides other tenants', async (t) => {
  const { keyId } = await createApiKey(db, { tenant: 'lab-a', scopes: ['jobs:read'] });
  const first = await revokeApiKey(db, keyId, 'lab-a');
  t.match(first, { keyId, tenantId: 'lab-a', revokedAt: String });
  const again = await revokeApiKey(database, keyId);
  t.equal(again.revokedAt, first.revokedAt, 'a second revocation changes nothing');

  const other = await createApiKey(db, { tenant: 'lab-b', scopes: ['jobs:read'] });
  await t.rejects(revokeApiKey(db, other.keyId, 'lab-a'), { status: 404, code: 'api_key_not_found' });
  await t.rejects(revokeApiKey(db, 'key_unknown'), { code: 'api_key_not_found' });
  const [row] = await db.select().from(tables.apiKeys).where(eq(tables.apiKeys.id, other.keyId));
  t.equal(row!.revokedAt, null, "another tenant's key is untouched");
});

t.test('a revocation through revokeApiKey reaches the verifier cache of this process at once', async (t) => {
  const verify = createKeyVerifier(db, 60_000);
  const { key, keyId } = await createApiKey(db, { tenant: 'lab-a', scopes: ['admin'] });
  t.match(await verify(key), { keyId, tenantId: 'lab-a' });
  await revokeApiKey(db, keyId, 'lab-a');
  t.equal(await verify(key), undefined);
});

t.test('a revocation this process did not handle is seen once the remembered principal expires', async (t) => {
  const verify = createKeyVerifier(db, 1000);
  const { key, keyId } = await createApiKey(db, { tenant: 'lab-a', scopes: ['jobs:read'] });
  t.ok(await verify(key));
  // What another process's revokeApiKey (or plain SQL) does: the row changes, this process's cache does not.
  await db.update(tables.apiKeys).set({ revokedAt: new Date() }).where(eq(tables.apiKeys.id, keyId));
  t.ok(await verify(key), 'still accepted inside the window');
  await new Promise((r) => setTimeout(r, 1050));
  t.equal(await verify(key), undefined, 'refused once the window has passed');
});

t.test('a key hands out only scopes it holds; admin holds them all', async (t) => {
  t.doesNotThrow(() => assertGrantable(['admin'], ['jobs:read', 'admin']));
  t.doesNotThrow(() => assertGrantable(['jobs:read', 'jobs:write'], ['jobs:read']));
  t.throws(() => assertGrantable(['jobs:read'], ['jobs:read', 'webhooks:manage']), {
    status: 403,
    code: 'insufficient_scope',
  });
});

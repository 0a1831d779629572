// The CLI reaches the database only through @platescale/api; the test reads it directly to see what was stored.

import t from 'tap';
import { openDatabase, tables } from '../../../db/src/index.js';
import { captureOutput } from '../helpers/output.js';

const home = t.testdir();
const saved = { ...process.env };
t.teardown(() => {
  process.env = saved;
});
process.env.PLATESCALE_HOME = home;
delete process.env.DATABASE_URL;
const { run } = await import('../../src/commands/keys.js');

/** Runs `keys …`: its exit code and what it printed. */
const keys = (...args: string[]) => captureOutput(() => run(args));

/** What is stored, read while no command holds the embedded database. */
async function storedKeys() {
  const database = await openDatabase({ dataDir: `${home}/db` });
  try {
    return await database.db.select().from(tables.apiKeys);
  } finally {
    await database.close();
  }
}

t.test('keys create prints the key alone on the last line; only its hash is stored', async (t) => {
  const { code, stdout: out } = await keys('create', '--tenant', 'lab-x', '--scopes', 'jobs:read,jobs:write');
  t.equal(code, 0);
  const key = out.trimEnd().split('\n').at(-1)!;
  t.match(key, /^psk_[A-Za-z0-9_-]{32}$/);
  await t.rejects(keys('create', '--tenant', 'lab-x', '--scopes', 'everything'), { code: 'validation_failed' });
  await t.rejects(keys('create', '--scopes', 'admin'), { code: 'validation_failed' });

  const rows = await storedKeys();
  t.equal(rows.length, 1);
  t.not(rows[0]!.hash, key, 'the token itself is not stored');
  t.same(rows[0]!.scopes, ['jobs:read', 'jobs:write']);
});

t.test("keys list shows a tenant's keys (never a secret); keys revoke revokes, idempotently", async (t) => {
  const created = await keys('create', '--tenant', 'lab-x', '--scopes', 'admin');
  const key = created.stdout.trimEnd().split('\n').at(-1)!;
  await keys('create', '--tenant', 'lab-y', '--scopes', 'jobs:read');

  const listed = JSON.parse((await keys('list', '--tenant', 'lab-x', '--json')).stdout);
  t.equal(listed.length, 2, "lab-x's two keys, not lab-y's");
  t.match(listed[0], { keyId: /^key_/, prefix: key.slice(0, 8), scopes: ['admin'], revokedAt: null });
  t.notOk(JSON.stringify(listed).includes(key));

  const revoked = await keys('revoke', listed[0].keyId);
  t.equal(revoked.code, 0);
  t.match(revoked.stdout, new RegExp(`revoked key ${listed[0].keyId} of tenant lab-x at \\d{4}-`));
  t.equal((await keys('revoke', listed[0].keyId)).code, 0, 'revoking again is fine');
  await t.rejects(keys('revoke', 'key_unknown'), { code: 'api_key_not_found' });

  const table = (await keys('list', '--tenant', 'lab-x')).stdout.split('\n');
  t.match(table[0], /^key\s+prefix\s+scopes\s+created\s+revoked$/);
  t.equal(table.filter((l) => l.startsWith('key_')).length, 2);
  t.match(
    table.find((l) => l.startsWith(listed[0].keyId)),
    /admin\s+\S+\s+\d{4}-\S+$/,
    'revoked at a time',
  );
  t.match(
    table.find((l) => l.startsWith(listed[1].keyId)),
    /–$/,
    'not revoked',
  );

  const stored = await storedKeys();
  t.ok(stored.find((r) => r.id === listed[0].keyId)?.revokedAt);
});

t.test('usage errors name what is missing', async (t) => {
  await t.rejects(keys(), { message: /usage: platescale keys create/ });
  await t.rejects(keys('toString'), { message: /usage:/ });
  await t.rejects(keys('list'), { message: /--tenant is required/ });
  await t.rejects(keys('list', '--tenant', 'lab-x', '--scopes', 'admin'), { code: 'validation_failed' });
  await t.rejects(keys('revoke'), { message: /one key id/ });
});

// The CLI reaches the database only through @platescale/api; the test reads it directly to see what was stored.

import t from 'tap';
import { openDatabase, tables } from '../../../db/src/index.js';

t.test('keys create prints the key alone on the last line; only its hash is stored', async (t) => {
  const home = t.testdir();
  const saved = { ...process.env };
  t.teardown(() => {
    process.env = saved;
  });
  process.env.PLATESCALE_HOME = home;
  delete process.env.DATABASE_URL;
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  const { run } = await import('../../src/commands/keys.js');
  let code: number;
  try {
    code = await run(['create', '--tenant', 'lab-x', '--scopes', 'jobs:read,jobs:write']);
  } finally {
    process.stdout.write = write;
  }
  t.equal(code, 0);
  const key = out.trimEnd().split('\n').at(-1)!;
  t.match(key, /^psk_[A-Za-z0-9_-]{32}$/);
  await t.rejects(run(['create', '--tenant', 'lab-x', '--scopes', 'everything']), { code: 'validation_failed' });
  await t.rejects(run(['create', '--scopes', 'admin']), { code: 'validation_failed' });

  const database = await openDatabase({ dataDir: `${home}/db` });
  t.teardown(() => database.close());
  const rows = await database.db.select().from(tables.apiKeys);
  t.equal(rows.length, 1);
  t.not(rows[0]!.hash, key, 'the token itself is not stored');
  t.same(rows[0]!.scopes, ['jobs:read', 'jobs:write']);
});

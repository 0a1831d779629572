import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_DIR = fileURLToPath(new URL('../drizzle/', import.meta.url));

export interface SqlRunner {
  /** Runs statements inside one transaction. */
  transaction(statements: string[]): Promise<void>;
  query<T>(text: string): Promise<T[]>;
}

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/**
 * Applies the committed drizzle-kit migrations to `schema`. drizzle-kit writes `"public".` into foreign keys;
 * they are re-pointed at the target schema so that tests can each use a schema of their own. An advisory lock
 * serialises concurrent migrators (several processes starting at once).
 */
export async function migrate(runner: SqlRunner, schema: string): Promise<number> {
  const journal = JSON.parse(await readFile(`${MIGRATIONS_DIR}meta/_journal.json`, 'utf8')) as Journal;
  const q = `"${schema}"`;
  await runner.transaction([
    `CREATE SCHEMA IF NOT EXISTS ${q}`,
    `CREATE TABLE IF NOT EXISTS ${q}."__migrations" (tag text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  ]);
  let applied = 0;
  for (const entry of journal.entries.sort((a, b) => a.idx - b.idx)) {
    const text = await readFile(`${MIGRATIONS_DIR}${entry.tag}.sql`, 'utf8');
    const hash = createHash('sha256').update(text).digest('hex');
    const done = await runner.query<{ hash: string }>(
      `SELECT hash FROM ${q}."__migrations" WHERE tag = '${entry.tag.replace(/'/g, "''")}'`,
    );
    if (done.length > 0) continue;
    const statements = text
      .split('--> statement-breakpoint')
      .map((s) => s.trim().replaceAll('"public".', `${q}.`))
      .filter(Boolean);
    await runner.transaction([
      `SELECT pg_advisory_xact_lock(hashtext('platescale-migrate:${schema}'))`,
      `SET LOCAL search_path TO ${q}`,
      // Another migrator may have applied this while we waited for the lock; the insert then fails and rolls back.
      `INSERT INTO ${q}."__migrations" (tag, hash) VALUES ('${entry.tag}', '${hash}')`,
      ...statements,
    ]);
    applied++;
  }
  return applied;
}

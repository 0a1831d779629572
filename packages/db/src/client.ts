import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@platescale/shared';
import { UnavailableError } from '@platescale/shared';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { migrate, type SqlRunner } from './migrate.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The Drizzle database, whichever driver is behind it (node-postgres or PGlite). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  schema: string;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; absent → PGlite. */
  url?: string | undefined;
  /** Postgres schema holding the tables (tests use one per run). */
  schema?: string;
  /** PGlite data directory; absent → in-memory PGlite. */
  dataDir?: string | undefined;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const schemaName = opts.schema ?? 'public';
  const database = opts.url ? await openPostgres(opts.url, schemaName) : await openPglite(opts.dataDir, schemaName);
  return database;
}

/** Opens the database the configuration names: DATABASE_URL → Postgres, unset → PGlite in PLATESCALE_HOME/db. */
export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    url: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    dataDir: config.DATABASE_URL ? undefined : join(config.home, 'db'),
  });
}

async function openPostgres(url: string, schemaName: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    options: `-c search_path="${schemaName}"`,
    connectionTimeoutMillis: 5000,
  });
  // An idle connection that Postgres (or the network) drops is an 'error' event on the pool; unheard, it would end
  // the process at the first database restart. The pool discards that connection and opens a new one when asked.
  pool.on('error', (err) => process.emitWarning(`idle database connection lost: ${err.message}`));
  const runner: SqlRunner = {
    async transaction(statements) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const s of statements) await client.query(s);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async query<T>(text: string) {
      return (await pool.query(text)).rows as T[];
    },
  };
  try {
    await migrate(runner, schemaName);
  } catch (err) {
    await pool.end();
    throw new UnavailableError(`database at ${redact(url)} could not be migrated: ${(err as Error).message}`, err);
  }
  const db = drizzleNodePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    schema: schemaName,
    ping: () =>
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined, schemaName: string): Promise<Database> {
  // Loaded only when there is no Postgres: PGlite (Postgres in WebAssembly) is ~40 MB of RSS a server never uses.
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
  ]);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  await client.waitReady;
  const runner: SqlRunner = {
    async transaction(statements) {
      await client.transaction(async (tx) => {
        for (const s of statements) await tx.exec(s);
      });
    },
    async query<T>(text: string) {
      return (await client.query<T>(text)).rows;
    },
  };
  await migrate(runner, schemaName);
  await client.exec(`SET search_path TO "${schemaName}"`);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    schema: schemaName,
    ping: async () => !client.closed,
    close: () => client.close(),
  };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}

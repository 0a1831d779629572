import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemObjectStore } from '@platescale/adapters';
import { createApiKey } from '@platescale/api';
import { type Database, openDatabase } from '@platescale/db';
import type { ObjectStore } from '@platescale/shared';

/** Every fault scenario runs against the machine's real servers; none of them stops or reconfigures those. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TENANT = 'faults';
export const BUCKET = 'platescale';

export interface Scenario {
  name: string;
  /** Postgres schema and Redis key prefix of this scenario alone. */
  schema: string;
  cachePrefix: string;
  /** PLATESCALE_HOME of the serving processes: the filesystem object store lives under it. */
  home: string;
  database: Database;
  objects: ObjectStore;
  /** A key of the scenario's tenant with every scope a lab system uses. */
  key: string;
  /** The environment of a serving process of this scenario (extra variables on top). */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

export async function openScenario(name: string): Promise<Scenario> {
  const id = `${name.replace(/[^a-z0-9]/g, '_')}_${randomBytes(3).toString('hex')}`;
  const schema = `f_${id}`;
  const cachePrefix = `faults:${id}:`;
  const home = await mkdtemp(join(tmpdir(), `faults-${name}-`));
  const database = await openDatabase({ url: DATABASE_URL, schema });
  const objects = createFilesystemObjectStore(join(home, 'objects'), BUCKET);
  const { key } = await createApiKey(database, {
    tenant: TENANT,
    scopes: ['jobs:write', 'jobs:read', 'models:write', 'webhooks:manage'],
  });
  return {
    name,
    schema,
    cachePrefix,
    home,
    database,
    objects,
    key,
    env: (extra = {}) => ({
      ...process.env,
      DATABASE_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      CACHE_PREFIX: cachePrefix,
      PLATESCALE_HOME: home,
      LOCAL_BUCKET: BUCKET,
      WEBHOOK_ALLOW_LOCALHOST: 'true',
      LOG_LEVEL: 'warn',
      WORKERS: '2',
      ...extra,
    }),
    async dispose() {
      await database.db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

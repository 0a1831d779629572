import { randomBytes } from 'node:crypto';
import { createCache, createFilesystemObjectStore, createInProcessEventBus } from '@platescale/adapters';
import { type Database, tables } from '@platescale/db';
import { openTestDatabase } from '@platescale/db/testing';
import { loadConfig, type Workflow } from '@platescale/shared';
import { eq } from 'drizzle-orm';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { createApiKey } from '../../src/auth/keys.js';
import type { ApiDeps } from '../../src/deps.js';
import { fakeWorkflow } from './fake-workflow.js';

export interface BuildOptions {
  env?: Record<string, string>;
  workflow?: Workflow;
  resolveHost?: ApiDeps['resolveHost'];
}

/**
 * The API over real adapters (PGlite or the Postgres at DATABASE_URL, memory cache or the Redis at REDIS_URL,
 * a filesystem store in a test dir, the in-process bus) and a fake workflow. Torn down with the test.
 */
export async function build(t: Test, opts: BuildOptions = {}) {
  const home = t.testdir();
  const config = loadConfig({
    ...process.env,
    PLATESCALE_MODE: 'test',
    PLATESCALE_HOME: home,
    CACHE_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    WEBHOOK_ALLOW_LOCALHOST: 'true',
    ...opts.env,
  });
  const database = await openTestDatabase();
  const cache = createCache(config);
  const fake = fakeWorkflow();
  const events = createInProcessEventBus({ region: 'local', account: '000000000000' });
  const deps: ApiDeps = {
    config,
    db: database,
    cache,
    objects: createFilesystemObjectStore(`${home}/objects`, config.bucket),
    workflow: opts.workflow ?? fake.workflow,
    events,
    logger: false,
    ...(opts.resolveHost ? { resolveHost: opts.resolveHost } : {}),
  };
  const app = await buildApp(deps);
  t.teardown(async () => {
    await app.close();
    await cache.close();
    await database.dispose();
  });
  const keyFor = async (tenant: string, scopes: string[]) =>
    `Bearer ${(await createApiKey(database, { tenant, scopes })).key}`;
  const auth = await keyFor('lab-a', ['jobs:read', 'jobs:write', 'webhooks:manage']);
  return { app, deps, database, fake, events, auth, keyFor };
}

export const EXPERIMENT = {
  experimentId: 'AS_09125',
  plateFormat: 96,
  imagePrefix: 'tenants/lab-a/experiments/AS_09125/',
  naming: 'cellomics',
  channels: ['DNA', 'PH3', 'Cells'],
} as const;

/** POST /v1/jobs for EXPERIMENT on its DNA channel; returns the new job's id. */
export async function submitJob(app: Awaited<ReturnType<typeof buildApp>>, headers: Record<string, string>) {
  const reply = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers,
    payload: { experimentId: EXPERIMENT.experimentId, segmentationChannel: 'DNA' },
  });
  return (reply.json() as { jobId: string }).jobId;
}

/** What the aggregator and the completion-event consumer do when a job ends: results rows + final job row. */
export async function finishJob(database: Database, jobId: string, wells: { well: string; cellCount: number }[]) {
  const { db } = database;
  await db.insert(tables.wellResults).values(
    wells.map((w) => ({
      jobId,
      plate: 'AS_09125_050116030001',
      well: w.well,
      fields: 1,
      fieldsFailed: 0,
      cellCount: w.cellCount,
      meanCellCount: w.cellCount,
      meanArea: 120.5,
      medianArea: 110,
      meanIntensity: { DNA: 80.2 },
    })),
  );
  await db.insert(tables.imageResults).values(
    wells.map((w) => ({
      jobId,
      plate: 'AS_09125_050116030001',
      well: w.well,
      field: 0,
      ok: true,
      cellCount: w.cellCount,
      meanArea: 120.5,
      medianArea: 110,
      meanIntensity: { DNA: 80.2 },
      seconds: 0.4,
    })),
  );
  await db
    .update(tables.jobs)
    .set({
      status: 'SUCCEEDED',
      imagesTotal: wells.length,
      imagesSucceeded: wells.length,
      imagesFailed: 0,
      finishedAt: new Date(),
    })
    .where(eq(tables.jobs.id, jobId));
}

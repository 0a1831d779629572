import { readFile, writeFile } from 'node:fs/promises';
import createClient from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import t from 'tap';
import type { paths } from './fixtures/openapi-types.js';
import { build, EXPERIMENT, finishJob } from './helpers/build.js';

const TYPES = new URL('./fixtures/openapi-types.ts', import.meta.url);
/**
 * The operations this test drives (and the components they use); other route groups evolve without touching the
 * committed types.
 */
const PATHS = ['/v1/experiments', '/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/results'];
const { app, auth, database } = await build(t);

/** The component names `value` refers to, directly or through other components. */
function referenced(value: unknown, schemas: Record<string, unknown>, found = new Set<string>()): Set<string> {
  if (typeof value !== 'object' || value === null) return found;
  for (const [k, v] of Object.entries(value)) {
    if (k === '$ref' && typeof v === 'string') {
      const name = v.replace('#/components/schemas/', '');
      if (!found.has(name)) referenced(schemas[name], schemas, found.add(name));
    } else referenced(v, schemas, found);
  }
  return found;
}

t.test('the types generated from /openapi.json by openapi-typescript are the committed ones', async (t) => {
  const spec = (await app.inject({ url: '/openapi.json' })).json();
  spec.paths = Object.fromEntries(PATHS.map((p) => [p, spec.paths[p]]));
  const used = referenced(spec.paths, spec.components.schemas);
  spec.components.schemas = Object.fromEntries(Object.entries(spec.components.schemas).filter(([n]) => used.has(n)));
  const generated = `// Generated from GET /openapi.json by openapi-typescript (tap --snapshot regenerates it). Do not edit.\n${astToString(await openapiTS(spec))}`;
  if (process.env.TAP_SNAPSHOT === '1') await writeFile(TYPES, generated);
  t.equal(await readFile(TYPES, 'utf8'), generated, 'stale: run `tap --snapshot services/api/test/client.test.ts`');
});

t.test('an openapi-fetch client runs a whole job with the generated types only', async (t) => {
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const client = createClient<paths, 'application/json' | 'application/problem+json'>({
    baseUrl: url,
    headers: { authorization: auth },
  });

  const experiment = await client.POST('/v1/experiments', {
    body: { ...EXPERIMENT, channels: [...EXPERIMENT.channels] },
  });
  t.equal(experiment.response.status, 201);
  t.equal(experiment.data?.experimentId, 'AS_09125');

  const submitted = await client.POST('/v1/jobs', {
    body: { experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 8 },
    params: { header: { 'idempotency-key': 'client-test-1' } },
  });
  t.equal(submitted.response.status, 202);
  const jobId = submitted.data!.jobId;
  t.equal(submitted.data?.status, 'RUNNING');

  const bad = await client.POST('/v1/jobs', {
    body: { experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 0 },
  });
  t.equal(bad.error?.code, 'validation_failed');
  t.equal(bad.error?.field, 'batchSize');

  await finishJob(database, jobId, [{ well: 'D03', cellCount: 316 }]);
  const job = await client.GET('/v1/jobs/{id}', { params: { path: { id: jobId } } });
  t.equal(job.data?.status, 'SUCCEEDED');
  t.equal(job.data?.progress.succeeded, 1);

  const results = await client.GET('/v1/jobs/{id}/results', {
    params: { path: { id: jobId }, query: { level: 'well' } },
  });
  const wells = results.data?.level === 'well' ? results.data.items : [];
  t.same(
    wells.map((w) => [w.well, w.cellCount, w.fields]),
    [['D03', 316, 1]],
  );
});

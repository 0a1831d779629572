/**
 * The images, run for real (`npm run test:containers`, which first builds them from the working tree on the
 * stand-in base images: scripts/containers/). Everything they talk to is on this machine: its Postgres and Redis,
 * and an S3 API server (s3rver) on the host; containers use the host network. What this proves and what it cannot
 * (the Runtime Interface Emulator, AWS itself): docs/deploy.md, "What CI proves about compose and AWS".
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { createRedisStreamEventBus, createS3ObjectStore } from '../../../packages/adapters/src/index.js';
import { S3RVER_CREDENTIALS, startS3Server } from '../../../packages/adapters/test/helpers/s3-server.js';
import { type Database, openDatabase, tables } from '../../../packages/db/src/index.js';
import { createLocalWorkflow } from '../../../packages/engine/src/index.js';
import {
  ANALYSIS_DEFINITION_PATH,
  LOCAL_FUNCTIONS,
  localSubstitutions,
} from '../../../packages/runtime/src/definition.js';
import type {
  AnalysisInput,
  EventEnvelope,
  ImageResult,
  ManifestResult,
  SegmentBatchResult,
} from '../../../packages/shared/src/index.js';
import {
  containerFunction,
  docker,
  envArgs,
  type Invocation,
  imageBytes,
  invokeLambda,
  removeTestContainers,
  TEST_LABEL,
  testTag,
} from '../../../scripts/containers/docker.js';
import { IMAGES, type ImageName } from '../../lib/containers/images.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const REGION = 'us-east-1';
const BUCKET = 'platescale';
/** One schema and one key prefix per run: CI and developers share the servers. */
const RUN = `ct_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const CACHE_PREFIX = `platescale:${RUN}:`;

/**
 * Nuclei a correct segmenter finds in the D03 field (test/fixtures/example-human, DNA channel). The scikit-image
 * reference (Otsu + distance-transform watershed, objects ≥ 30 px) counts 316 and today's default model about as
 * many; the model is retrained from time to time, so the test takes the range a working nucleus segmenter meets
 * (±~20 % of the reference) rather than today's exact figure. A broken one (no model, a wrong channel, a mangled
 * image, merged or shattered nuclei) lands far outside it: 0, a handful, or thousands.
 */
const D03_NUCLEI = { min: 250, max: 400 };

const EXAMPLE = join(repoRoot, 'test/fixtures/example-human');
const PLATE = 'AS_09125_050116030001';
const PREFIX = `experiments/${RUN}/`;
const CHANNELS = ['DNA', 'PH3', 'CellStain'];

t.setTimeout(20 * 60_000);
Object.assign(process.env, S3RVER_CREDENTIALS);
const s3 = await startS3Server([BUCKET]);
const objects = createS3ObjectStore({ bucket: BUCKET, region: REGION, endpoint: s3.endpoint });
let database: Database | undefined;
/** This run's schema, from the host; opened only after a container has created it (opening migrates). */
async function db() {
  database ??= await openDatabase({ url: DATABASE_URL, schema: RUN });
  return database.db;
}
t.teardown(async () => {
  await removeTestContainers();
  await database?.close();
  psql(`DROP SCHEMA IF EXISTS "${RUN}" CASCADE`);
  deleteRedisKeys(`${CACHE_PREFIX}*`);
  await s3.close();
});

function psql(sql: string): string {
  const out = spawnSync('psql', [DATABASE_URL, '-X', '-q', '-t', '-A', '-c', sql], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`psql: ${out.stderr.trim()}`);
  return out.stdout.trim();
}

/** What the Lambda containers get: S3 on the host, Postgres in this run's schema, events on the Redis stream. */
const lambdaEnv = {
  ...S3RVER_CREDENTIALS,
  AWS_REGION: REGION,
  S3_BUCKET: BUCKET,
  S3_ENDPOINT: s3.endpoint,
  DATABASE_URL,
  DATABASE_SCHEMA: RUN,
  EVENTS_REDIS_URL: REDIS_URL,
  CACHE_PREFIX,
  AWS_LAMBDA_FUNCTION_TIMEOUT: '280',
};

/** Per image: its size, and seconds from `docker run` to the first handler result (a cold-start proxy). */
const figures: Partial<Record<ImageName, { megabytes: number; firstResultSeconds: number }>> = {};
async function record(image: ImageName, seconds: number) {
  if (figures[image]) return;
  figures[image] = {
    megabytes: Math.round((await imageBytes(testTag(image))) / 1e5) / 10,
    firstResultSeconds: seconds,
  };
}

function deleteRedisKeys(pattern: string) {
  const scan = spawnSync('redis-cli', ['-u', REDIS_URL, '--scan', '--pattern', pattern], { encoding: 'utf8' });
  const keys = scan.stdout.split('\n').filter(Boolean);
  for (let i = 0; i < keys.length; i += 500) {
    spawnSync('redis-cli', ['-u', REDIS_URL, 'DEL', ...keys.slice(i, i + 500)]);
  }
}

/** The D03 field, and D04: the same field with its DNA image cut short (a transfer that broke off). */
async function uploadFields() {
  const name = (well: string, channel: number) => `${PLATE}_${well}f00d${channel}.tif`;
  for (const [index] of CHANNELS.entries()) {
    const body = await readFile(join(EXAMPLE, name('D03', index)));
    await objects.put(`${PREFIX}${name('D03', index)}`, body, { contentType: 'image/tiff' });
    const d04 = index === 0 ? body.subarray(0, Math.floor(body.length * 0.4)) : body;
    await objects.put(`${PREFIX}${name('D04', index)}`, d04, { contentType: 'image/tiff' });
  }
  const set = (well: string) => ({
    plate: PLATE,
    well,
    field: 0,
    images: Object.fromEntries(CHANNELS.map((c, i) => [c, `${PREFIX}${name(well, i)}`])),
  });
  return [set('D03'), set('D04')];
}
const imageSets = await uploadFields();

function summary(results: ImageResult[]) {
  return Object.fromEntries(results.map((r) => [r.well, r.ok ? { count: r.count } : { error: r.error }]));
}

/** The Embedded Metric Format record Powertools printed (one JSON line with `_aws`). */
function emfMetrics(output: string): Record<string, unknown> | undefined {
  const line = output.split('\n').find((l) => l.startsWith('{') && l.includes('"_aws"'));
  return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
}

function expectD03(t: Test, results: ImageResult[]) {
  const d03 = results.find((r) => r.well === 'D03');
  t.ok(d03?.ok, 'D03 segmented');
  if (d03?.ok) {
    t.ok(
      d03.count >= D03_NUCLEI.min && d03.count <= D03_NUCLEI.max,
      `D03: ${d03.count} nuclei, within ${D03_NUCLEI.min}–${D03_NUCLEI.max}`,
    );
    t.ok(d03.meanArea > 0 && Object.keys(d03.meanIntensity).length === 3, 'areas and all three channels measured');
  }
  const d04 = results.find((r) => r.well === 'D04');
  t.equal(d04?.ok, false, 'the truncated D04 fails as its own item');
  if (d04 && !d04.ok) t.ok(d04.error.message.length > 0, `D04: ${d04.error.type}: ${d04.error.message}`);
}

t.test("compose: Debian's docker-compose accepts docker-compose.yml", async (t) => {
  const out = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  t.equal(out.status, 0, out.stderr.trim() || 'docker-compose config');
});

t.test('segmenter image: its handler segments the real field and fails a truncated one as that item', async (t) => {
  const jobId = `${RUN}-direct`;
  const invocation = await invokeLambda(testTag('segmenter'), {
    env: { ...lambdaEnv, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769' },
    event: {
      BatchInput: {
        jobId,
        bucket: BUCKET,
        resultsPrefix: `jobs/${jobId}/`,
        segmentationChannel: 'DNA',
        modelKey: null,
        objectDiameter: null,
      },
      Items: imageSets,
    },
  });
  t.equal(invocation.code, 0, 'the handler returned', {
    error: invocation.error,
    stderr: invocation.stderr.slice(-2000),
  });
  const results = (invocation.result as SegmentBatchResult | undefined)?.results ?? [];
  t.comment(`segmenter results: ${JSON.stringify(summary(results))}`);
  t.equal(results.length, 2, 'one result per image set: a bad item never fails the batch');
  expectD03(t, results);
  const d03 = results.find((r) => r.well === 'D03');
  for (const key of d03?.ok ? [d03.objectsKey, d03.maskKey] : []) {
    t.ok(key && (await objects.head(key)), `${key} written to S3`);
  }
  t.match(emfMetrics(invocation.output), { ImagesSegmented: 1, ImagesFailed: 1 }, 'Powertools metrics (EMF)');
  await record('segmenter', invocation.seconds);
});

t.test('aggregator image: a cold start applies the migrations to an empty schema', async (t) => {
  const invocation = await invokeLambda(testTag('aggregator'), {
    env: lambdaEnv,
    handler: IMAGES.aggregator.handlers.publishOutbox,
    event: {},
  });
  t.same(invocation.result, { published: 0 }, 'the outbox sweep ran against the new schema', {
    error: invocation.error,
    stderr: invocation.stderr.slice(-2000),
  });
  const tablesIn = (schema: string) =>
    psql(
      `SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '${schema}'`,
    );
  t.match(tablesIn(RUN), /\bjobs\b.*\bwell_results\b/, `the container created schema ${RUN} and its tables`);
  await record('aggregator', invocation.seconds);
});

t.test('the analysis state machine on the local engine, every Lambda task in its image', async (t) => {
  const jobId = `${RUN}-job`;
  await (await db()).insert(tables.jobs).values({
    id: jobId,
    experimentId: `${RUN}-experiment`,
    status: 'RUNNING',
    segmentationChannel: 'DNA',
    maxConcurrency: 1,
    batchSize: 2,
    toleratedFailurePercentage: 50,
    resultsPrefix: `jobs/${jobId}/`,
  });
  // What the API does in compose: consume the completion events the aggregator publishes on the Redis stream.
  const bus = createRedisStreamEventBus({
    url: REDIS_URL,
    stream: `${CACHE_PREFIX}events`,
    group: 'containers-test',
    region: REGION,
    account: '000000000000',
  });
  t.teardown(() => bus.close());
  const events: EventEnvelope[] = [];
  bus.subscribe(async (e) => {
    events.push(e);
  });

  const invocations: Record<string, Invocation[]> = {};
  const fn = (image: ImageName, handler: string) =>
    containerFunction(testTag(image), handler, lambdaEnv, (i) => {
      invocations[handler] = [...(invocations[handler] ?? []), i];
    });
  const workflow = createLocalWorkflow({
    definition: ANALYSIS_DEFINITION_PATH,
    substitutions: localSubstitutions(REGION, '000000000000'),
    lambdas: {
      [LOCAL_FUNCTIONS.ListImageSetsFunctionArn]: fn('aggregator', IMAGES.aggregator.handlers.listImageSets),
      [LOCAL_FUNCTIONS.SegmenterFunctionArn]: fn('segmenter', IMAGES.segmenter.handlers.segment),
      [LOCAL_FUNCTIONS.AggregatorFunctionArn]: fn('aggregator', IMAGES.aggregator.handlers.aggregate),
    },
    objects,
    poolSize: 1,
    region: REGION,
  });
  t.teardown(() => workflow.close());
  const input: AnalysisInput = {
    jobId,
    experiment: {
      experimentId: `${RUN}-experiment`,
      plateFormat: 96,
      imagePrefix: PREFIX,
      channels: CHANNELS,
      naming: 'cellomics',
    },
    bucket: BUCKET,
    resultsPrefix: `jobs/${jobId}/`,
    segmentationChannel: 'DNA',
    maxConcurrency: 1,
    batchSize: 2,
    toleratedFailurePercentage: 50,
    modelKey: null,
    objectDiameter: null,
  };
  const { executionArn } = await workflow.start(jobId, input);
  const execution = await workflow.wait(executionArn);
  t.equal(execution.status, 'SUCCEEDED', execution.cause ?? execution.error ?? 'execution succeeded');

  const [listed] = invocations[IMAGES.aggregator.handlers.listImageSets] ?? [];
  t.match(listed?.result as ManifestResult, { bucket: BUCKET, imageSets: 2, unrecognized: [] }, 'ListImageSets');
  const [segmented] = invocations[IMAGES.segmenter.handlers.segment] ?? [];
  expectD03(t, (segmented?.result as SegmentBatchResult | undefined)?.results ?? []);
  const [aggregated] = invocations[IMAGES.aggregator.handlers.aggregate] ?? [];
  t.match(
    aggregated?.result,
    { jobId, status: 'PARTIALLY_SUCCEEDED', imagesTotal: 2, imagesSucceeded: 1, imagesFailed: 1, wells: 2 },
    'Aggregate',
  );

  const images = await (await db()).select().from(tables.imageResults);
  t.same(
    images
      .filter((r) => r.jobId === jobId)
      .map((r) => r.well)
      .sort(),
    ['D03', 'D04'],
    'image rows in Postgres',
  );
  const wells = (await (await db()).select().from(tables.wellResults)).filter((r) => r.jobId === jobId);
  t.same(wells.map((w) => w.well).sort(), ['D03', 'D04'], 'well rows in Postgres');

  for (let i = 0; i < 100 && events.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const event = events.find((e) => (e.detail as { jobId?: string }).jobId === jobId);
  t.match(
    event,
    {
      source: 'platescale.analysis',
      'detail-type': 'AnalysisJobPartiallySucceeded',
      detail: { jobId, imagesFailed: 1 },
    },
    'the completion event on the Redis stream',
  );

  // On AWS an EventBridge rule delivers it to the job consumer: the same handler, in the same image.
  const consumed = await invokeLambda(testTag('aggregator'), {
    env: lambdaEnv,
    handler: IMAGES.aggregator.handlers.consumeEvents,
    event,
  });
  t.equal(consumed.code, 0, 'the job-events handler applied it', { error: consumed.error });
  const [job] = (await (await db()).select().from(tables.jobs)).filter((j) => j.id === jobId);
  t.match(job, { status: 'PARTIALLY_SUCCEEDED', imagesTotal: 2, imagesSucceeded: 1, imagesFailed: 1 }, 'job row');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command to completion, its output streamed to stderr (the demo's progress), stdout kept. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

t.test('api image: ready against Postgres, Redis and S3; `platescale demo --api` completes against it', async (t) => {
  const port = await freePort();
  const name = `platescale-test-api-${RUN}`;
  const env = {
    ...S3RVER_CREDENTIALS,
    AWS_REGION: REGION,
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    DATABASE_URL,
    DATABASE_SCHEMA: RUN,
    REDIS_URL,
    CACHE_PREFIX,
    HOST: '127.0.0.1',
    PORT: String(port),
    WORKERS: '2',
  };
  const started = performance.now();
  const up = await docker([
    'run',
    '-d',
    '--rm',
    '--network',
    'host',
    '--label',
    TEST_LABEL,
    '--name',
    name,
    ...envArgs(env),
    testTag('api'),
  ]);
  t.equal(up.code, 0, up.stderr.trim() || 'docker run');
  t.teardown(async () => {
    await docker(['rm', '-f', name]);
  });
  const url = `http://127.0.0.1:${port}`;
  let ready: { status: number; body: unknown } | undefined;
  let running = true;
  for (let i = 1; running && performance.now() - started < 90_000; i++) {
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    if (response) {
      ready = { status: response.status, body: await response.json() };
      if (response.status === 200) break;
    }
    if (i % 10 === 0) running = (await docker(['inspect', '-f', '{{.State.Running}}', name])).stdout.trim() === 'true';
    await new Promise((r) => setTimeout(r, 200));
  }
  await record('api', Math.round((performance.now() - started) / 10) / 100);
  const logs = ready?.status === 200 ? undefined : await docker(['logs', name]);
  t.equal(ready?.status, 200, '/health/ready', { logs: `${logs?.stdout ?? ''}${logs?.stderr ?? ''}`.slice(-4000) });
  t.match(
    ready?.body,
    {
      status: 'ok',
      checks: {
        database: { status: 'up', adapter: 'postgres' },
        cache: { status: 'up', adapter: 'redis' },
        objects: { status: 'up', adapter: 's3' },
        workflow: { status: 'up' },
      },
    },
    'Postgres, Redis and S3 up',
  );

  const keys = await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
      'packages/cli/src/main.ts',
      'keys',
      'create',
      '--tenant',
      'demo',
      '--scopes',
      'jobs:read,jobs:write,models:write',
    ],
    { DATABASE_URL, DATABASE_SCHEMA: RUN },
  );
  const key = keys.stdout.trim().split('\n').at(-1) ?? '';
  t.match(key, /^psk_/, 'an API key in the same database');

  const dir = await mkdtemp(join(tmpdir(), 'platescale-demo-api-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const json = join(dir, 'demo.json');
  const demo = await run('npm', ['run', '-s', 'platescale', '--', 'demo', '--api', url, '--key', key, '--json', json], {
    DATABASE_URL: '',
    REDIS_URL: '',
  });
  t.equal(demo.code, 0, 'npm run platescale -- demo --api … exits 0');
  const report = JSON.parse(await readFile(json, 'utf8')) as {
    status: string;
    imagesTotal: number;
    imagesFailed: number;
    groundTruth: { meanAbsCountErrorPct: number; example: { count?: number } };
  };
  t.match(report, { status: 'SUCCEEDED', imagesFailed: 0 }, `${report.imagesTotal} images through the API container`);
  const example = report.groundTruth.example.count ?? 0;
  t.ok(example >= D03_NUCLEI.min && example <= D03_NUCLEI.max, `D03 in the demo: ${example} nuclei`);
  t.comment(`demo: mean count error vs ground truth ${report.groundTruth.meanAbsCountErrorPct.toFixed(2)} %`);
});

t.test('production dependencies only: no build or test tooling, no training library in the segmenter', async (t) => {
  const tooling = ['typescript', 'aws-cdk-lib', 'tap', 'vite', '@biomejs+biome', 'playwright-core', '@redocly+cli'];
  // The segmenter's closure comes from its own package.json: the trainer's CNN library (and the tsx it runs its
  // workers with) belong to the API, which trains, not to the Lambda that only infers.
  const forbidden: Record<ImageName, string[]> = {
    segmenter: [...tooling, '@tensorflow+tfjs', 'tsx', 'esbuild'],
    aggregator: tooling,
    api: tooling,
  };
  for (const image of Object.keys(IMAGES) as ImageName[]) {
    const store = `${IMAGES[image].appRoot}/node_modules/.pnpm`;
    const out = await docker(['run', '--rm', '--label', TEST_LABEL, '--entrypoint', 'ls', testTag(image), store]);
    t.equal(out.code, 0, `${image}: ${store}`, { stderr: out.stderr });
    const packages = out.stdout.split('\n').filter(Boolean);
    t.ok(packages.length > 10, `${image}: ${packages.length} packages`);
    const found = packages.filter((p) => forbidden[image].some((name) => p === name || p.startsWith(`${name}@`)));
    t.same(found, [], `${image}: none of ${forbidden[image].join(', ')}`);
  }
});

t.test('figures: image sizes and seconds from docker run to the first handler result', async (t) => {
  for (const image of Object.keys(IMAGES) as ImageName[]) {
    const f = figures[image];
    t.ok(f, `${image}: measured`);
    if (f)
      t.comment(`${image} image: ${f.megabytes} MB, ${f.firstResultSeconds} s from docker run to the first result`);
  }
  t.comment(`container figures: ${JSON.stringify(figures)}`);
});

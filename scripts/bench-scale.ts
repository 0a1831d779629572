/**
 * One job of N image sets through the real state machine on the local engine against real Postgres
 * (DATABASE_URL): the list step over N × 2 object keys, the Distributed Map with batching and ResultWriter, the
 * aggregator (in a process of its own, as it is its own Lambda on AWS), the database writes and the completion
 * event. A stand-in segmenter returns full-feature summaries at once (bench:segmenter measures the real one).
 * Then a fresh API process serves the results: the first image page (median of 5), and the whole image level as
 * streamed CSV.
 *
 *   npm run bench:scale -- --images 100000 [--json F] [--batch-size 100] [--fields 9] [--max-concurrency 4]
 *
 * BENCH_SCALE_CPU_PROF=DIR writes a V8 CPU profile of the aggregator process there (node --cpu-prof).
 *
 * Prints { images, wallSeconds, listSeconds, mapSeconds, aggregateSeconds, aggregatePeakRssMb, dbWriteSeconds,
 * resultsFirstPageMs, csvStreamPeakRssMb, scatteredWells }; RSS figures are the peak RSS (VmHWM) of the process
 * doing that stage; scatteredWells counts the wells whose medians the aggregator took in a second pass.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createObjectStore } from '../packages/adapters/src/index.js';
import { ApiClient } from '../packages/cli/src/lib/api-client.js';
import { openDatabase } from '../packages/db/src/index.js';
import { createRuntime } from '../packages/runtime/src/index.js';
import {
  AGGREGATOR_HEAP_MB,
  type AggregateInput,
  type AnalysisInput,
  type EventToPublish,
  loadConfig,
  type SegmentBatchEvent,
} from '../packages/shared/src/index.js';
import { syntheticImageSummary } from '../packages/synthetic/src/index.js';
import { createListImageSetsHandler } from '../services/aggregator/src/index.js';
import { createApiKey } from '../services/api/src/index.js';
import { type KeySpace, withSyntheticListing } from './lib/bench-scale/listing.js';
import { peakRssMb } from './lib/bench-scale/peak-rss.js';
import { serveRuntime } from './lib/bench-scale/serve.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    json: { type: 'string' },
    'batch-size': { type: 'string', default: '100' },
    fields: { type: 'string', default: '9' },
    'max-concurrency': { type: 'string', default: '4' },
  },
});
const images = Number(values.images);
const batchSize = Number(values['batch-size']);
const fieldsPerWell = Number(values.fields);
const maxConcurrency = Number(values['max-concurrency']);
const databaseUrl = process.env.DATABASE_URL;
const cpuProfileDir = process.env.BENCH_SCALE_CPU_PROF;
if (!databaseUrl) throw new Error('bench:scale needs DATABASE_URL (a real Postgres)');

const CHANNELS = ['DNA', 'CellStain'];
const TENANT = 'bench';
const EXPERIMENT = 'scale';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const log = (message: string) => process.stderr.write(`bench:scale ${message}\n`);

const home = await mkdtemp(join(tmpdir(), 'bench-scale-'));
const schema = `bench_scale_${Date.now().toString(36)}`;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PLATESCALE_HOME: home,
  DATABASE_URL: databaseUrl,
  DATABASE_SCHEMA: schema,
  LOG_LEVEL: 'warn',
  MAX_CONCURRENCY_CAP: String(Math.max(maxConcurrency, 1)),
};
const space: KeySpace = {
  prefix: `tenants/${TENANT}/experiments/${EXPERIMENT}/`,
  imageSets: images,
  fieldsPerWell,
  wellsPerPlate: 384,
  channels: CHANNELS.length,
};

/** Wall-clock marks of the stages, from the handlers the engine invokes. */
const marks: Record<string, number> = {};
let aggregate: { seconds: number; dbWriteSeconds: number; scatteredWells: number; peakRssMb: number } | undefined;

/** Runs one Aggregate invocation in a fresh process; its completion events come back to this process's bus. */
function aggregateInProcess(input: AggregateInput, publish: (events: EventToPublish[]) => Promise<unknown>) {
  return new Promise<unknown>((resolve, reject) => {
    const child = fork(here('./lib/bench-scale/aggregator-process.ts'), {
      env,
      // The heap limit the Aggregate function is deployed with (infra), so the RSS measured is the Lambda's.
      execArgv: [
        '--import',
        'tsx',
        `--max-old-space-size=${AGGREGATOR_HEAP_MB}`,
        ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (m: { type: string; [k: string]: unknown }) => {
      if (m.type === 'ready') child.send(input);
      else if (m.type === 'events') void publish(m.events as EventToPublish[]);
      else if (m.type === 'done') {
        const timings = m.timings as { seconds: number; dbWriteSeconds: number; scatteredWells: number } | undefined;
        if (timings) aggregate = { ...timings, peakRssMb: m.peakRssMb as number };
        resolve(m.output);
      } else if (m.type === 'error') reject(Object.assign(new Error(String(m.message)), { name: String(m.name) }));
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`aggregator process exited with ${code}`));
    });
  });
}

const objects = withSyntheticListing(createObjectStore(loadConfig(env)), space);
const listImageSets = createListImageSetsHandler({ objects });
let events: { publish(e: EventToPublish[]): Promise<unknown> } | undefined;
const runtime = await createRuntime({
  env,
  objects,
  lambdas: {
    ListImageSetsFunctionArn: async (payload) => {
      marks.listStart = performance.now();
      const out = await listImageSets(payload as AnalysisInput);
      marks.listEnd = performance.now();
      return out;
    },
    SegmenterFunctionArn: async (payload) => ({
      results: (payload as SegmentBatchEvent).Items.map((set) => syntheticImageSummary(set, CHANNELS)),
    }),
    AggregatorFunctionArn: async (payload) => {
      marks.aggregateStart = performance.now();
      const out = await aggregateInProcess(payload as AggregateInput, (e) => events!.publish(e));
      marks.aggregateEnd = performance.now();
      return out;
    },
  },
});
events = runtime.events;

let report: Record<string, number> | undefined;
try {
  const server = await serveRuntime(runtime);
  const { key } = await createApiKey(runtime.database, { tenant: TENANT, scopes: ['jobs:write', 'jobs:read'] });
  const client = new ApiClient(server.url, key);
  await client.request('POST', '/v1/experiments', {
    experimentId: EXPERIMENT,
    plateFormat: 384,
    imagePrefix: space.prefix,
    naming: 'auto',
    channels: CHANNELS,
  });
  await client.requestText(
    'PUT',
    `/v1/experiments/${EXPERIMENT}/plate-map`,
    'application/json',
    JSON.stringify(plateMap()),
    'application/json',
  );
  log(`${images} image sets, batches of ${batchSize}, max concurrency ${maxConcurrency}, schema ${schema}`);
  const started = performance.now();
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', {
    experimentId: EXPERIMENT,
    segmentationChannel: 'DNA',
    batchSize,
    maxConcurrency,
  });
  let job: { status: string; error?: unknown };
  for (;;) {
    job = await client.request('GET', `/v1/jobs/${jobId}`);
    if (!['QUEUED', 'RUNNING'].includes(job.status)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  if (job.status !== 'SUCCEEDED') throw new Error(`job ${jobId} ${job.status}: ${JSON.stringify(job.error)}`);
  if (!aggregate) throw new Error('the aggregator reported no timings');
  await server.close();
  await runtime.close();

  const results = await measureResults(jobId, key);
  const r = (v: number, digits = 1) => Number(v.toFixed(digits));
  report = {
    images,
    wallSeconds: r(wallSeconds),
    listSeconds: r((marks.listEnd! - marks.listStart!) / 1000, 2),
    mapSeconds: r((marks.aggregateStart! - marks.listEnd!) / 1000),
    aggregateSeconds: r(aggregate.seconds),
    aggregatePeakRssMb: aggregate.peakRssMb,
    dbWriteSeconds: r(aggregate.dbWriteSeconds),
    resultsFirstPageMs: r(results.firstPageMs),
    csvStreamPeakRssMb: results.csvPeakRssMb,
    scatteredWells: aggregate.scatteredWells,
  };
} finally {
  if (!report) await runtime.close().catch(() => undefined);
  const database = await openDatabase({ url: databaseUrl, schema: 'public', migrate: false });
  await database.db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await database.close();
  await rm(home, { recursive: true, force: true });
}
const text = JSON.stringify(report);
process.stdout.write(`${text}\n`);
if (values.json) await writeFile(values.json, `${text}\n`);

/** Every well of a 384-well plate: column 1 negative, column 2 positive controls, eight compounds across doses. */
function plateMap() {
  const rows = 'ABCDEFGHIJKLMNOP';
  return [...rows].flatMap((row, r) =>
    Array.from({ length: 24 }, (_, c) => {
      const well = `${row}${String(c + 1).padStart(2, '0')}`;
      if (c === 0) return { well, treatment: 'DMSO', role: 'negative_control' };
      if (c === 1) return { well, treatment: 'staurosporine', dose: 1, unit: 'uM', role: 'positive_control' };
      return { well, treatment: `cmpd${(r % 8) + 1}`, dose: 10 ** ((c - 12) / 4), unit: 'uM', role: 'sample' };
    }),
  );
}

/**
 * A fresh API process (nothing else in it) serves the finished job: the first page of image rows (after one
 * warm-up request), then the whole image level as CSV, read to the end; its peak RSS is the CSV stream's.
 */
async function measureResults(jobId: string, key: string): Promise<{ firstPageMs: number; csvPeakRssMb: number }> {
  const child: ChildProcess = fork(here('./lib/bench-scale/api-process.ts'), {
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('message', (m: { url: string }) => resolve(m.url));
      child.once('exit', (code) => reject(new Error(`API process exited with ${code}`)));
    });
    const headers = { authorization: `Bearer ${key}` };
    const base = `${url}/v1/jobs/${jobId}/results`;
    await (await fetch(`${base}?level=plate`, { headers })).text();
    // The machine is shared: the median of five first-page requests, each a full round trip.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const page = await fetch(`${base}?level=image&limit=100`, { headers });
      const body = (await page.json()) as { items: unknown[] };
      times.push(performance.now() - t0);
      if (body.items.length !== Math.min(100, images)) throw new Error(`first page has ${body.items.length} rows`);
    }
    const firstPageMs = times.sort((a, b) => a - b)[2]!;
    const csv = await fetch(`${base}?level=image`, { headers: { ...headers, accept: 'text/csv' } });
    let lines = 0;
    for await (const chunk of csv.body as unknown as AsyncIterable<Uint8Array>) {
      for (const byte of chunk) if (byte === 0x0a) lines++;
    }
    if (lines !== images + 1) throw new Error(`the CSV has ${lines} lines, expected ${images + 1}`);
    return { firstPageMs, csvPeakRssMb: peakRssMb(child.pid!) };
  } finally {
    child.kill();
  }
}

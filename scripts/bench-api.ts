/**
 * GET /v1/jobs/{id} throughput with the cache warm: the hottest call of the API (lab systems poll it).
 *   npm run bench:api -- [--json FILE] [--duration S] [--connections N]
 * The API runs in a child process (one core: pinned with taskset when available) on the embedded adapters
 * (in-memory PGlite, memory cache) with auth, rate limiting and security headers on; autocannon loads it from this
 * process. Prints { requestsPerSecond, p99Ms, … } as JSON.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The slice of autocannon's result this script reads (autocannon is a dev dependency of @platescale/api). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(new URL('../services/api/package.json', import.meta.url))('autocannon') as Autocannon;

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    serve: { type: 'boolean', default: false },
  },
});

if (values.serve) {
  await serve();
} else {
  await bench();
}

/** Child: the API over the embedded adapters with one finished job; prints `url key jobId` when listening. */
async function serve() {
  const { createFilesystemObjectStore, createInProcessEventBus, createMemoryCache } = await import(
    '../packages/adapters/src/index.js'
  );
  const { openDatabase, tables } = await import('../packages/db/src/index.js');
  const { loadConfig, UnavailableError } = await import('../packages/shared/src/index.js');
  const { buildApp, createApiKey } = await import('../services/api/src/index.js');
  const home = join(tmpdir(), `platescale-bench-${process.pid}`);
  const config = loadConfig({ PLATESCALE_HOME: home, LOG_LEVEL: 'silent', API_RATE_LIMIT_PER_MINUTE: '100000000' });
  const refuse = async (): Promise<never> => {
    throw new UnavailableError('the benchmark starts no workflow');
  };
  const database = await openDatabase({});
  const app = await buildApp({
    config,
    db: database,
    cache: createMemoryCache(),
    objects: createFilesystemObjectStore(join(home, 'objects'), config.bucket),
    workflow: { start: refuse, describe: refuse, mapRuns: refuse, history: refuse, stop: refuse, redrive: refuse },
    events: createInProcessEventBus({ region: config.AWS_REGION, account: '000000000000' }),
    logger: false,
  });
  const { key } = await createApiKey(database, { tenant: 'bench', scopes: ['jobs:read'] });
  // A finished job, as the aggregator and the completion-event consumer leave it.
  const jobId = 'job_bench';
  await database.db.insert(tables.jobs).values({
    id: jobId,
    tenantId: 'bench',
    experimentId: 'bench',
    status: 'SUCCEEDED',
    segmentationChannel: 'DNA',
    maxConcurrency: 8,
    batchSize: 10,
    toleratedFailurePercentage: 10,
    resultsPrefix: `jobs/${jobId}/`,
    executionArn: 'arn:aws:states:local:000000000000:execution:analysis:job_bench',
    imagesTotal: 388,
    imagesSucceeded: 388,
    imagesFailed: 0,
    startedAt: new Date(),
    finishedAt: new Date(),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${url} ${key} ${jobId}\n`);
  process.once('SIGTERM', () => {
    app
      .close()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
}

async function bench() {
  const script = fileURLToPath(import.meta.url);
  const pin = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  const [cmd, args] = pin
    ? ['taskset', ['-c', '0', process.execPath, '--import', 'tsx', script, '--serve']]
    : [process.execPath, ['--import', 'tsx', script, '--serve']];
  const child = spawn(cmd, args as string[], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before listening`)));
  });
  const [url, key, jobId] = first.split(' ');
  const target = `${url}/v1/jobs/${jobId}`;
  const headers = { authorization: `Bearer ${key}` };
  const warm = await fetch(target, { headers });
  if (warm.status !== 200) throw new Error(`warm-up GET answered ${warm.status}: ${await warm.text()}`);
  const result = await autocannon({
    url: target,
    headers,
    connections: Number(values.connections),
    duration: Number(values.duration),
  });
  child.kill('SIGTERM');
  const figures = {
    requestsPerSecond: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    non2xx: result.non2xx,
    errors: result.errors,
    connections: Number(values.connections),
    durationSeconds: Number(values.duration),
    serverPinnedToOneCore: pin,
  };
  const json = `${JSON.stringify(figures, null, 2)}\n`;
  if (values.json) await writeFile(values.json, json);
  process.stdout.write(json);
}

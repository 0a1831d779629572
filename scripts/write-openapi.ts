/**
 * Writes the OpenAPI document the API serves at /openapi.json to a file (CI lints it with @redocly/cli).
 * Usage: tsx scripts/write-openapi.ts FILE
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createFilesystemObjectStore,
  createInProcessEventBus,
  createMemoryCache,
} from '../packages/adapters/src/index.js';
import { openDatabase } from '../packages/db/src/index.js';
import { loadConfig, UnavailableError, type Workflow } from '../packages/shared/src/index.js';
import { buildApp } from '../services/api/src/index.js';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: write-openapi.ts FILE\n');
  process.exit(2);
}
const home = join(tmpdir(), `platescale-openapi-${process.pid}`);
const config = loadConfig({ PLATESCALE_HOME: home, LOG_LEVEL: 'silent' });
// Writing the document runs no job: every workflow call is refused.
const refuse = async (): Promise<never> => {
  throw new UnavailableError('write-openapi runs no workflow');
};
const workflow: Workflow = {
  start: refuse,
  describe: refuse,
  mapRuns: refuse,
  history: refuse,
  stop: refuse,
  redrive: refuse,
};
const db = await openDatabase({});
const app = await buildApp({
  config,
  db,
  cache: createMemoryCache(),
  objects: createFilesystemObjectStore(join(home, 'objects'), config.bucket),
  workflow,
  events: createInProcessEventBus({ region: config.AWS_REGION, account: '000000000000' }),
  logger: false,
});
const spec = (await app.inject({ url: '/openapi.json' })).body;
await mkdir(dirname(file), { recursive: true });
await writeFile(file, spec);
await app.close();
await db.close();
await rm(home, { recursive: true, force: true });
process.stdout.write(`${file}\n`);

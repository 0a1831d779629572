import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFilesystemObjectStore } from '@platescale/adapters';
import { openTestDatabase } from '@platescale/db/testing';
import t from 'tap';
import { createDurableCheckpointStore } from '../../src/index.js';
import type { ExecutionRecord } from '../../src/store/types.js';
import { readJson } from '../helpers/memory-objects.js';

const WORKER = fileURLToPath(new URL('../fixtures/crash-worker.ts', import.meta.url));

// The crash test starts two processes. With DATABASE_URL they share Postgres (CI); without it each opens PGlite
// on disk, which takes tens of seconds on a busy machine, so that variant runs only when asked for with
// ENGINE_CRASH_TEST_PGLITE=1.
const crashTest = process.env.DATABASE_URL || process.env.ENGINE_CRASH_TEST_PGLITE === '1';
t.setTimeout(crashTest ? 180_000 : 30_000);

t.test('execution records and child results round-trip through the database and the object store', async (t) => {
  const database = await openTestDatabase();
  t.teardown(() => database.dispose());
  const dir = await mkdtemp(join(tmpdir(), 'engine-durable-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = createDurableCheckpointStore({ db: database.db, objects: createFilesystemObjectStore(dir, 'ckpt') });
  const record: ExecutionRecord = {
    executionArn: 'arn:aws:states:us-east-1:0:execution:sm:e1',
    stateMachineArn: 'arn:aws:states:us-east-1:0:stateMachine:sm',
    name: 'e1',
    status: 'RUNNING',
    input: { a: 1 },
    startDate: '2026-01-01T00:00:00.000Z',
    redriveCount: 0,
    position: { state: 'Map', input: { a: 1 } },
    mapRuns: { Map: 'run-1' },
    mapRunSnapshots: [],
  };
  const a = { owner: 'host-a/1/a', ttlMs: 60_000 };
  const b = { owner: 'host-b/1/b', ttlMs: 60_000 };
  t.equal(await store.saveExecution(record, a), true);
  t.same(await store.loadExecution(record.executionArn), record);
  t.same(await store.claimRunning(record.stateMachineArn, b, () => false), [], 'a live lease is not claimed');
  t.equal(await store.saveExecution(record, b), false, "another owner's write is fenced off");
  t.same(
    (await store.claimRunning(record.stateMachineArn, b, (o) => o === a.owner)).map((r) => r.name),
    ['e1'],
    'the lease of a dead owner is claimed',
  );
  t.equal(await store.saveExecution(record, a), false, 'the old owner is fenced off');
  await store.releaseAll(b.owner);
  t.same(
    (await store.claimRunning(record.stateMachineArn, a, () => false)).map((r) => r.name),
    ['e1'],
    'a released lease is claimed at once',
  );
  const done = {
    ...record,
    status: 'SUCCEEDED' as const,
    position: null,
    output: { ok: true },
    stopDate: '2026-01-01T00:00:01.000Z',
  };
  t.equal(await store.saveExecution(done, a), true);
  t.same(await store.claimRunning(record.stateMachineArn, b, () => true), [], 'nothing RUNNING is left');
  t.same((await store.loadExecution(record.executionArn))?.output, { ok: true });
  for (let index = 0; index < 3; index++) {
    await store.saveChild(record.executionArn, 'run-1', {
      index,
      name: `c${index}`,
      executionArn: `child-${index}`,
      status: 'SUCCEEDED',
      input: '{}',
      output: `{"i":${index}}`,
      itemCount: 1,
      startDate: record.startDate,
      stopDate: record.startDate,
    });
  }
  const children = await store.loadChildren(record.executionArn, 'run-1');
  t.same([...children.keys()].sort(), [0, 1, 2]);
  t.equal(children.get(2)?.output, '{"i":2}');
});

function runWorker(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import=tsx', WORKER, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

t.test(
  'SIGKILL in the middle of a 1,000-item job: a restart resumes it and every item is counted once',
  {
    skip: crashTest ? false : 'set DATABASE_URL (or ENGINE_CRASH_TEST_PGLITE=1 for PGlite on disk)',
  },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'engine-crash-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const schema = `t_crash_${randomBytes(4).toString('hex')}`;
    const env = { ...process.env };
    const first = runWorker(['start', dir, schema], env);
    const checkpoints = join(dir, 'objects', 'crash', 'engine');
    // Kill once some (not all) of the 100 batches are checkpointed.
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const done = await countFiles(checkpoints);
      if (done >= 15) break;
    }
    first.child.kill('SIGKILL');
    await first.exited;
    const before = await countFiles(checkpoints);
    t.ok(before < 100, `killed mid-run (${before}/100 batches checkpointed)`);

    const second = runWorker(['resume', dir, schema], env);
    t.equal(await second.exited, 0);
    const result = JSON.parse(second.output()) as {
      resumed: string[];
      done: { status: string; output: { ResultWriterDetails: { Key: string } } };
      run: { itemCounts: { succeeded: number; total: number } };
    };
    t.equal(result.resumed.length, 1);
    t.equal(result.done.status, 'SUCCEEDED');
    t.match(result.run.itemCounts, { succeeded: 1000, total: 1000 });
    const objects = createFilesystemObjectStore(join(dir, 'objects'), 'crash');
    const manifest = await readJson<{ ResultFiles: { SUCCEEDED: { Key: string }[] } }>(
      objects,
      result.done.output.ResultWriterDetails.Key,
    );
    const entries = await readJson<{ Output: string }[]>(objects, manifest.ResultFiles.SUCCEEDED[0]!.Key);
    const ids = entries.flatMap((e) => (JSON.parse(e.Output) as { ids: number[] }).ids);
    t.equal(ids.length, 1000, 'no item appears twice');
    t.equal(new Set(ids).size, 1000, 'every item appears');
    if (process.env.DATABASE_URL) {
      const database = await openTestDatabase();
      await database.db.execute(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await database.dispose();
    }
  },
);

async function countFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.json')).length;
  } catch {
    return 0;
  }
}

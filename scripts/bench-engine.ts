/**
 * Orchestration overhead of the local engine: a Distributed Map over N no-op items in batches of B
 * (defaults 10,000 / 50), items read through ItemReader, results written through ResultWriter, every
 * child checkpointed (in memory). Prints JSON with `--json`.
 *
 *   overheadPct = share of the wall time spent in the engine rather than in the handlers: the same batches
 *                 are also passed to the same no-op handler directly, and that time is subtracted.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createLocalWorkflow, type LambdaHandler } from '../packages/engine/src/index.js';
// The engine's test store: an in-memory ObjectStore keeps disk I/O out of the orchestration figure.
import { batchMapDefinition } from '../packages/engine/test/helpers/batch-map.js';
import { createMemoryObjects } from '../packages/engine/test/helpers/memory-objects.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    items: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '50' },
    pool: { type: 'string', default: String(availableParallelism()) },
  },
});
const items = Number(values.items);
const batchSize = Number(values.batch);
const poolSize = Number(values.pool);

const definition = batchMapDefinition({
  bucket: 'bench',
  itemsKey: 'items.json',
  batchSize,
  batchInput: { 'job.$': '$.job' },
  functionName: 'noop',
});

const noop: LambdaHandler = async (event) => ({ n: (event as { Items: unknown[] }).Items.length });
const objects = createMemoryObjects('bench');
const list = Array.from({ length: items }, (_, i) => ({ key: `plate/A01/f${i}.tif`, field: i }));
await objects.put('items.json', JSON.stringify(list));

async function engineSeconds(name: string): Promise<number> {
  const workflow = createLocalWorkflow({ definition, lambdas: { noop }, objects, poolSize });
  const t0 = performance.now();
  const { executionArn } = await workflow.start(name, { job: 'bench' });
  const done = await workflow.wait(executionArn);
  if (done.status !== 'SUCCEEDED') throw new Error(`bench execution ${done.status}: ${done.error} ${done.cause}`);
  return (performance.now() - t0) / 1000;
}

async function directSeconds(): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < list.length; i += batchSize) {
    await noop(JSON.parse(JSON.stringify({ BatchInput: { job: 'bench' }, Items: list.slice(i, i + batchSize) })));
  }
  return (performance.now() - t0) / 1000;
}

await engineSeconds('warmup');
const wallSeconds = await engineSeconds('measured');
const handlerSeconds = await directSeconds();
const msPerItem = (wallSeconds * 1000) / items;
const result = {
  items,
  batchSize,
  poolSize,
  wallSeconds: Number(wallSeconds.toFixed(3)),
  msPerItem: Number(msPerItem.toFixed(4)),
  overheadPct: Number(((100 * (wallSeconds - handlerSeconds)) / wallSeconds).toFixed(1)),
  targetMsPerItem: 0.2,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

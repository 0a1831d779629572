import type { SegmentBatchEvent } from '@platescale/shared';
import t from 'tap';
import { createLocalWorkflow, createMemoryCheckpointStore, isDeadOwner, type LambdaHandler } from '../src/index.js';
import type { CheckpointStore } from '../src/store/types.js';
import { ANALYSIS_ASL, analysisInput, fakeLister, fastSleep, imageSets, SUBSTITUTIONS } from './helpers/analysis.js';
import { createMemoryObjects } from './helpers/memory-objects.js';

// Two engines on one checkpoint store and one object store stand for two serving processes on one database.
function engine(
  store: CheckpointStore,
  objects: ReturnType<typeof createMemoryObjects>,
  owner: string,
  segmenter: LambdaHandler,
) {
  return createLocalWorkflow({
    definition: ANALYSIS_ASL,
    substitutions: SUBSTITUTIONS,
    objects,
    poolSize: 2,
    sleep: fastSleep,
    checkpoints: store,
    owner,
    leaseMs: 300,
    lambdas: {
      'list-image-sets': fakeLister(objects, imageSets(20)),
      segmenter,
      aggregator: async () => ({ ok: true }),
    },
  });
}

function countingSegmenter(seen: string[], gate?: Promise<void>): LambdaHandler {
  return async (event) => {
    const e = event as SegmentBatchEvent;
    await gate;
    seen.push(...e.Items.map((s) => `${s.well}/${s.field}`));
    return { results: e.Items.map((s) => ({ plate: s.plate, well: s.well, field: s.field, ok: true, count: 1 })) };
  };
}

t.test('a second engine on the same store never runs an execution the first one holds', async (t) => {
  const store = createMemoryCheckpointStore();
  const objects = createMemoryObjects('platescale');
  const seenA: string[] = [];
  const seenB: string[] = [];
  const a = engine(store, objects, 'remote-a/1/a', countingSegmenter(seenA));
  const b = engine(store, objects, 'remote-b/2/b', countingSegmenter(seenB));
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  await a.resumeAll();
  const { executionArn } = await a.start('job-1', analysisInput({ batchSize: 2 }));
  t.same(await b.resumeAll(), [], 'nothing to adopt while A holds it');
  const done = await b.wait(executionArn);
  t.equal(done.status, 'SUCCEEDED', 'B sees it end through the checkpoints');
  t.equal(seenA.length, 20);
  t.same(seenB, [], 'B ran nothing');
});

t.test(
  'an engine that stops renewing (killed) has its execution adopted; finished batches are not rerun',
  async (t) => {
    const shared = createMemoryCheckpointStore();
    let killed = false;
    let checkpointed = 0;
    // A's view of the store goes dark once it is "killed": nothing it writes arrives any more.
    const dark: CheckpointStore = {
      ...shared,
      saveExecution: (r, lease) => (killed ? new Promise(() => {}) : shared.saveExecution(r, lease)),
      saveChild: (arn, id, r) => {
        if (killed) return new Promise(() => {});
        checkpointed += r.itemCount;
        return shared.saveChild(arn, id, r);
      },
    };
    const objects = createMemoryObjects('platescale');
    const seenA: string[] = [];
    const seenB: string[] = [];
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => {
      release = r;
    });
    let batchesA = 0;
    const a = engine(dark, objects, 'remote-a/1/a', async (event) => {
      // A finishes three batches, then hangs in the fourth (the process is gone).
      if (++batchesA > 3) {
        killed = true;
        await stuck;
      }
      return countingSegmenter(seenA)(event);
    });
    const b = engine(shared, objects, 'remote-b/2/b', countingSegmenter(seenB));
    t.teardown(async () => {
      release();
      await b.close();
    });
    const { executionArn } = await a.start('job-2', analysisInput({ batchSize: 2 }));
    await b.resumeAll();
    const done = await b.wait(executionArn);
    t.equal(done.status, 'SUCCEEDED', 'B adopted and finished it');
    t.equal(seenA.length, 6, 'A finished three batches before it died');
    t.ok(checkpointed >= 4, `A's checkpoints of ${checkpointed} items arrived`);
    t.equal(seenB.length, 20 - checkpointed, 'B ran only the items without a checkpoint');
    t.equal(new Set([...seenA, ...seenB]).size, 20, 'every item ran once');
  },
);

t.test('isDeadOwner: only owners of this host whose process is gone', async (t) => {
  const self = `h/${process.pid}/n1`;
  t.equal(isDeadOwner(`h/${process.pid}/n0`, self), true, 'a previous life of this pid');
  t.equal(isDeadOwner(self, self), false);
  t.equal(isDeadOwner(`other/99999999/x`, self), false, 'another host is never judged');
  t.equal(isDeadOwner(`h/${process.ppid}/x`, self), false, 'a live process');
  t.equal(isDeadOwner('h/2147483646/x', self), true, 'a pid that does not exist');
});

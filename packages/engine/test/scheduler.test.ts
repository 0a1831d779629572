import t from 'tap';
import { FairScheduler } from '../src/scheduler.js';

const tick = () => new Promise((r) => setImmediate(r));

t.test('the pool limit and each lane limit hold; MaxConcurrency 0 means the pool', async (t) => {
  const s = new FairScheduler(3);
  const a = s.lane(1);
  const b = s.lane(0);
  t.equal(b.limit, 3);
  let peak = 0;
  let peakA = 0;
  let runningA = 0;
  const work = (lane: 'a' | 'b') => async () => {
    if (lane === 'a') peakA = Math.max(peakA, ++runningA);
    peak = Math.max(peak, s.active);
    await tick();
    if (lane === 'a') runningA--;
  };
  await Promise.all([
    ...Array.from({ length: 5 }, () => a.submit(work('a'))),
    ...Array.from({ length: 5 }, () => b.submit(work('b'))),
  ]);
  t.equal(peak, 3);
  t.equal(peakA, 1);
  a.close();
  b.close();
});

t.test('round-robin: a small run is not starved behind a large one queued first', async (t) => {
  const s = new FairScheduler(2);
  const big = s.lane(0);
  const small = s.lane(0);
  const order: string[] = [];
  const job = (name: string) => async () => {
    order.push(name);
    await tick();
  };
  const all = Array.from({ length: 50 }, (_, i) => big.submit(job(`big${i}`)));
  all.push(...Array.from({ length: 3 }, (_, i) => small.submit(job(`small${i}`))));
  await Promise.all(all);
  const lastSmall = order.indexOf('small2');
  t.ok(lastSmall < 10, `the small run finished within the first slots (position ${lastSmall} of ${order.length})`);
});

t.test('cancelQueued rejects tasks not yet started and leaves running ones alone', async (t) => {
  const s = new FairScheduler(1);
  const lane = s.lane(0);
  let release!: () => void;
  const running = lane.submit(() => new Promise<string>((r) => (release = () => r('done'))));
  const queued = lane.submit(async () => 'never');
  lane.cancelQueued(new Error('stopped'));
  await t.rejects(queued, { message: 'stopped' });
  release();
  t.equal(await running, 'done');
});

import t from 'tap';
import { Slabs } from '../../src/stats/slabs.js';

t.test('blocks are filled, disjoint, and taken from the end of the last slab', async (t) => {
  const slabs = new Slabs((n) => new Float32Array(n), 10);
  const a = slabs.alloc(4, Number.NaN);
  const b = slabs.alloc(4, 0);
  t.same([a.slab, a.start, b.slab, b.start], [0, 0, 0, 4]);
  t.ok(slabs.array(a).subarray(0, 4).every(Number.isNaN));
  t.same([...slabs.array(b).subarray(4, 8)], [0, 0, 0, 0]);
  const c = slabs.alloc(4, 1);
  t.same([c.slab, c.start], [1, 0], 'a block that does not fit starts a new slab');
  const big = slabs.alloc(25, 2);
  t.same(
    [big.slab, big.start, slabs.array(big).length],
    [2, 0, 25],
    'a block larger than a slab gets a slab of its size',
  );
});

t.test('a slab is released once none of its blocks is live, the last slab never', async (t) => {
  const slabs = new Slabs((n) => new Float32Array(n), 4);
  const a = slabs.alloc(4, 0);
  const b = slabs.alloc(4, 0);
  slabs.free(b);
  t.ok(slabs.array(b), 'the last slab stays');
  slabs.free(a);
  t.throws(() => slabs.array(a).length, 'the first slab is gone');
});

import t from 'tap';
import { batchItems } from '../../src/map/batcher.js';

t.test('MaxItemsPerBatch splits in order', async (t) => {
  t.same(batchItems([1, 2, 3, 4, 5], { maxItems: 2, maxBytes: 256 * 1024 }, undefined), [[1, 2], [3, 4], [5]]);
});

t.test('MaxInputBytesPerBatch counts the BatchInput and the items; an oversized item stands alone', async (t) => {
  const item = { s: 'x'.repeat(40) }; // 50 bytes of JSON
  const batches = batchItems(
    [item, item, item, { s: 'y'.repeat(500) }, item],
    { maxItems: 100, maxBytes: 130 },
    { j: 1 },
  );
  t.same(
    batches.map((b) => b.length),
    [2, 1, 1, 1],
  );
});

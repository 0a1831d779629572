import t from 'tap';
import { EventTooLargeError } from '../../src/errors.js';
import { batchEntries, MAX_ENTRY_BYTES, sizeEntry } from '../../src/events/entry.js';

const event = (detail: unknown) => ({ source: 'platescale.analysis', detailType: 'AnalysisJobSucceeded', detail });

t.test('entries are sized as EventBridge does, and too-large ones are refused by name', async (t) => {
  const sized = sizeEntry({ ...event({ a: 'é' }), resources: ['arn:x'] });
  t.equal(sized.bytes, 14 + 19 + 20 + Buffer.byteLength('{"a":"é"}') + 5);
  const big = event({ blob: 'x'.repeat(MAX_ENTRY_BYTES) });
  t.throws(() => sizeEntry(big), EventTooLargeError);
  t.throws(() => sizeEntry(big), { code: 'event_too_large', message: /AnalysisJobSucceeded.*256|262144/ });
});

t.test('batches hold at most 10 entries and 256 KB, in order', async (t) => {
  const small = Array.from({ length: 23 }, (_, i) => sizeEntry(event({ i })));
  t.same(
    batchEntries(small).map((b) => b.length),
    [10, 10, 3],
  );
  const large = Array.from({ length: 3 }, (_, i) => sizeEntry(event({ i, pad: 'x'.repeat(100_000) })));
  const batches = batchEntries(large);
  t.same(
    batches.map((b) => b.length),
    [2, 1],
  );
  t.same(
    batches.flat().map((e) => (e.event.detail as { i: number }).i),
    [0, 1, 2],
  );
});

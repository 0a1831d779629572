import t from 'tap';
import { createSseParser, type SseEvent } from '../../../app/lib/sse.js';

t.test('parses events split across chunks, skips comments, keeps the last id', async (t) => {
  const events: SseEvent[] = [];
  const push = createSseParser((e) => events.push(e));
  push('retry: 1000\n\n: keep-alive\n\nid: 3\nevent: progr');
  push('ess\ndata: {"a":1}\n\r\nid: end\nevent: finished\ndata: x\ndata: y\n\n');
  t.same(events, [
    { event: 'progress', data: '{"a":1}', id: '3' },
    { event: 'finished', data: 'x\ny', id: 'end' },
  ]);
});

t.test('an event without a name is a message; one without data is not dispatched', async (t) => {
  const events: SseEvent[] = [];
  const push = createSseParser((e) => events.push(e));
  push('event: nothing\n\ndata:plain\n\n');
  t.same(events, [{ event: 'message', data: 'plain' }]);
});

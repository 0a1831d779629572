import type { EventEnvelope } from '@platescale/shared';
import t from 'tap';
import { EventTooLargeError } from '../../src/errors.js';
import { createInProcessEventBus } from '../../src/events/in-process.js';

const event = { source: 'platescale.analysis', detailType: 'AnalysisJobSucceeded', detail: { jobId: 'j1' } };

t.test('publish builds the EventBridge envelope and delivers it after resolving', async (t) => {
  const bus = createInProcessEventBus({ region: 'eu-west-1', account: '123456789012' });
  const seen: EventEnvelope[] = [];
  bus.subscribe(async (e) => {
    seen.push(e);
  });
  const [id] = await bus.publish([{ ...event, resources: ['arn:aws:states:::execution/x'] }]);
  t.equal(seen.length, 0, 'delivery is asynchronous');
  await bus.drain();
  t.equal(seen.length, 1);
  const envelope = seen[0] as EventEnvelope;
  t.match(envelope, {
    version: '0',
    id,
    'detail-type': 'AnalysisJobSucceeded',
    source: 'platescale.analysis',
    account: '123456789012',
    region: 'eu-west-1',
    resources: ['arn:aws:states:::execution/x'],
    detail: { jobId: 'j1' },
  });
  t.match(envelope.id, /^[0-9a-f-]{36}$/);
  t.match(envelope.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

t.test(
  'a failing subscriber is retried, then logged; the publisher and other subscribers are unaffected',
  async (t) => {
    const logged: object[] = [];
    const bus = createInProcessEventBus({
      region: 'r',
      account: 'a',
      maxAttempts: 3,
      retryDelayMs: 1,
      logger: { warn() {}, error: (obj) => logged.push(obj) },
    });
    let attempts = 0;
    let flakyAttempts = 0;
    const good: string[] = [];
    bus.subscribe(async () => {
      attempts++;
      throw new Error('boom');
    });
    bus.subscribe(async () => {
      flakyAttempts++;
      if (flakyAttempts === 1) throw new Error('once');
    });
    bus.subscribe(async (e) => {
      good.push(e.id);
    });
    const ids = await bus.publish([event]);
    await bus.drain();
    t.equal(attempts, 3);
    t.equal(flakyAttempts, 2, 'a transient failure succeeds on retry');
    t.same(good, ids);
    t.equal(logged.length, 1);
    t.match(logged[0], { eventId: ids[0], attempts: 3 });
  },
);

t.test('unsubscribe stops delivery; drain waits for events published by subscribers', async (t) => {
  const bus = createInProcessEventBus({ region: 'r', account: 'a' });
  const seen: string[] = [];
  const off = bus.subscribe(async (e) => {
    seen.push(e['detail-type']);
    if (e['detail-type'] === 'First') await bus.publish([{ ...event, detailType: 'Second' }]);
  });
  await bus.publish([{ ...event, detailType: 'First' }]);
  await bus.drain();
  t.same(seen, ['First', 'Second']);
  off();
  await bus.publish([event]);
  await bus.drain();
  t.equal(seen.length, 2);
});

t.test('events too large for EventBridge are refused here too', async (t) => {
  const bus = createInProcessEventBus({ region: 'r', account: 'a' });
  await t.rejects(bus.publish([{ ...event, detail: { x: 'x'.repeat(300_000) } }]), EventTooLargeError);
});

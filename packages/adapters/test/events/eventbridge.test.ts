import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { UnavailableError } from '@platescale/shared';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { EventPublishError, EventTooLargeError } from '../../src/errors.js';
import { createEventBridgeBus } from '../../src/events/eventbridge.js';

const eb = mockClient(EventBridgeClient);
t.beforeEach(() => eb.reset());

const events = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    source: 'platescale.analysis',
    detailType: 'AnalysisJobSucceeded',
    detail: { jobId: `j${i}` },
  }));
const bus = () => createEventBridgeBus({ busName: 'platescale', region: 'us-east-1', retryDelayMs: 1 });

t.test('PutEvents entries have the bus, source, detail-type and JSON detail, in batches of 10', async (t) => {
  eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
  }));
  const ids = await bus().publish(events(23));
  const calls = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
  t.same(
    calls.map((c) => c.length),
    [10, 10, 3],
  );
  t.same(calls[0]?.[0], {
    EventBusName: 'platescale',
    Source: 'platescale.analysis',
    DetailType: 'AnalysisJobSucceeded',
    Detail: '{"jobId":"j0"}',
  });
  t.equal(ids.length, 23);
  t.equal(ids[22], 'id-2');
});

t.test('entries failed with a retryable ErrorCode are resent until accepted; ids keep input order', async (t) => {
  let call = 0;
  eb.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
    call++;
    if (call === 1) {
      return {
        FailedEntryCount: 1,
        Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }, { EventId: 'c' }],
      };
    }
    t.same(
      input.Entries.map((e) => e.Detail),
      ['{"jobId":"j1"}'],
      'only the failed entry is resent',
    );
    return { FailedEntryCount: 0, Entries: [{ EventId: 'b' }] };
  });
  t.same(await bus().publish(events(3)), ['a', 'b', 'c']);
});

t.test('non-retryable entry failures and exhausted retries raise EventPublishError', async (t) => {
  eb.on(PutEventsCommand).resolves({
    FailedEntryCount: 1,
    Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' }],
  });
  const denied = await bus()
    .publish(events(1))
    .catch((e: unknown) => e);
  t.type(denied, EventPublishError);
  t.equal((denied as EventPublishError).retryable, false);
  t.equal(eb.commandCalls(PutEventsCommand).length, 1, 'not retried');

  eb.reset();
  eb.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
  const exhausted = await bus()
    .publish(events(1))
    .catch((e: unknown) => e);
  t.type(exhausted, EventPublishError);
  t.equal((exhausted as EventPublishError).retryable, true);
  t.equal(eb.commandCalls(PutEventsCommand).length, 4);
});

t.test('request-level throttling maps to UnavailableError; oversize detail never reaches AWS', async (t) => {
  eb.on(PutEventsCommand).rejects(
    new EventBridgeServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    }),
  );
  await t.rejects(bus().publish(events(1)), UnavailableError);
  eb.reset();
  await t.rejects(bus().publish([{ ...events(1)[0]!, detail: { x: 'x'.repeat(262_144) } }]), EventTooLargeError);
  t.equal(eb.commandCalls(PutEventsCommand).length, 0);
});

t.test('subscribe and drain are no-ops: rules deliver on AWS', async (t) => {
  const b = bus();
  const off = b.subscribe(async () => {
    t.fail('never called');
  });
  off();
  await b.drain();
  t.pass();
});

import { tables } from '@platescale/db';
import type { EventBus, EventToPublish } from '@platescale/shared';
import { asc, eq } from 'drizzle-orm';
import t from 'tap';
import { enqueueEvent } from '../../src/aggregate/store.js';
import { createOutboxPublisher } from '../../src/outbox/publisher.js';
import { databaseWithJobs } from '../helpers/db.js';

const { outbox } = tables;

/** A bus that refuses while `down` and records what it accepted. */
function flakyBus() {
  const accepted: EventToPublish[] = [];
  const bus = {
    down: true as boolean,
    async publish(events: EventToPublish[]) {
      if (bus.down) throw new Error('EventBridge unreachable');
      accepted.push(...events);
      return events.map((_, i) => `evt-${accepted.length - events.length + i}`);
    },
    subscribe: () => () => undefined,
    drain: async () => undefined,
  } satisfies EventBus & { down: boolean };
  return { bus, accepted };
}

const detail = (jobId: string) => ({
  schemaVersion: 1 as const,
  jobId,
  experimentId: 'exp-1',
  status: 'SUCCEEDED' as const,
  imagesTotal: 1,
  imagesSucceeded: 1,
  imagesFailed: 0,
  failures: [],
  bucket: 'b',
  resultsPrefix: `jobs/${jobId}/`,
  occurredAt: '2026-01-01T00:00:00.000Z',
});

t.test('a crash (or outage) between commit and publish loses nothing: the next publish sends the row', async (t) => {
  const database = await databaseWithJobs(t, ['a', 'b']);
  const { bus, accepted } = flakyBus();
  const publisher = createOutboxPublisher({ db: database.db, events: bus });
  const seqA = await database.db.transaction((tx) => enqueueEvent(tx, 'a:results:1', detail('a')));
  const seqB = await database.db.transaction((tx) => enqueueEvent(tx, 'b:results:1', detail('b')));
  t.ok(seqB > seqA, 'sequence grows');
  t.equal(await database.db.transaction((tx) => enqueueEvent(tx, 'a:results:1', detail('a'))), seqA, 'deduplicated');

  await t.rejects(publisher.publishPending({ jobId: 'a' }), { name: 'UnavailableError', retryable: true });
  const [failed] = await database.db.select().from(outbox).where(eq(outbox.jobId, 'a'));
  t.match(failed, { publishedAt: null, attempts: 1, lastError: 'EventBridge unreachable' });

  bus.down = false;
  t.equal(await publisher.publishPending(), 2, 'both pending rows, oldest first');
  t.same(
    accepted.map((e) => [e.detailType, (e.detail as { jobId: string; sequence: number }).sequence]),
    [
      ['AnalysisJobSucceeded', seqA],
      ['AnalysisJobSucceeded', seqB],
    ],
  );
  const rows = await database.db.select().from(outbox).orderBy(asc(outbox.id));
  t.match(rows, [
    { eventId: 'evt-0', attempts: 2, lastError: null },
    { eventId: 'evt-1', attempts: 1 },
  ]);
  t.equal(await publisher.publishPending(), 0, 'nothing left');
});

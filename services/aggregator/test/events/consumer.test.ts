import { randomUUID } from 'node:crypto';
import { tables } from '@platescale/db';
import type { AnalysisJobEventDetail, EventEnvelope } from '@platescale/shared';
import { asc, inArray } from 'drizzle-orm';
import t from 'tap';
import { createJobEventConsumer } from '../../src/events/consumer.js';
import { databaseWithJobs } from '../helpers/db.js';

const { jobs, processedEvents } = tables;

// Two copies of the same jobs: copy "once" gets every event once in order, copy "twice" gets each event twice,
// shuffled and partly concurrently. (One database for both: with DATABASE_URL this runs on the real Postgres.)
const ids = ['j1', 'j2', 'j3'];
const database = await databaseWithJobs(t, [...ids.map((id) => `once-${id}`), ...ids.map((id) => `twice-${id}`)]);
const consume = createJobEventConsumer({ db: database.db });

function envelope(
  copy: string,
  jobId: string,
  sequence: number,
  status: AnalysisJobEventDetail['status'],
  id = randomUUID(),
): EventEnvelope<AnalysisJobEventDetail> {
  const detailType = {
    SUCCEEDED: 'AnalysisJobSucceeded',
    PARTIALLY_SUCCEEDED: 'AnalysisJobPartiallySucceeded',
    FAILED: 'AnalysisJobFailed',
  }[status];
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'platescale.analysis',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      jobId: `${copy}-${jobId}`,
      experimentId: 'exp-1',
      status,
      imagesTotal: 10,
      imagesSucceeded: status === 'FAILED' ? 0 : 10 - sequence,
      imagesFailed: status === 'FAILED' ? 10 : sequence,
      failures: [],
      bucket: 'b',
      resultsPrefix: `jobs/${jobId}/`,
      ...(status === 'FAILED' ? { error: { error: 'States.TaskFailed', cause: `attempt ${sequence}` } } : {}),
      sequence,
      occurredAt: `2026-01-01T00:00:0${sequence}.000Z`,
    },
  };
}

/** The events of the three jobs in the order they were produced: j1 failed then succeeded after a redrive. */
const produced: [string, number, AnalysisJobEventDetail['status']][] = [
  ['j1', 1, 'FAILED'],
  ['j2', 2, 'PARTIALLY_SUCCEEDED'],
  ['j3', 3, 'FAILED'],
  ['j3', 4, 'PARTIALLY_SUCCEEDED'],
  ['j1', 5, 'SUCCEEDED'],
];

async function snapshot(copy: string) {
  const rows = await database.db
    .select()
    .from(jobs)
    .where(
      inArray(
        jobs.id,
        ids.map((id) => `${copy}-${id}`),
      ),
    )
    .orderBy(asc(jobs.id));
  return rows.map(({ createdAt: _created, id, resultsPrefix, ...rest }) => ({
    ...rest,
    id: id.replace(`${copy}-`, ''),
    resultsPrefix: resultsPrefix.replace(`${copy}-`, ''),
  }));
}

t.test('every event delivered twice and out of order leaves the rows of once-in-order delivery', async (t) => {
  for (const [job, seq, status] of produced) await consume(envelope('once', job, seq, status));

  const twice = produced.map(([job, seq, status]) => envelope('twice', job, seq, status));
  const shuffled = [...twice.slice().reverse(), twice[2]!, twice[0]!, twice[4]!, twice[1]!, twice[3]!];
  // Half of the redeliveries race the originals; the row lock orders them.
  await Promise.all(shuffled.slice(0, 5).map((e) => consume(e)));
  for (const e of shuffled.slice(5)) await consume(e);

  const once = await snapshot('once');
  t.same(await snapshot('twice'), once);
  t.match(once, [
    { id: 'j1', status: 'SUCCEEDED', lastEventSequence: 5, error: null },
    { id: 'j2', status: 'PARTIALLY_SUCCEEDED', lastEventSequence: 2 },
    { id: 'j3', status: 'PARTIALLY_SUCCEEDED', lastEventSequence: 4 },
  ]);
  const processed = await database.db
    .select()
    .from(processedEvents)
    .where(
      inArray(
        processedEvents.eventId,
        twice.map((e) => e.id),
      ),
    );
  t.equal(processed.length, twice.length, 'each event id recorded once');
});

t.test('other events are ignored; a bad detail or an unknown job is an error (the bus retries)', async (t) => {
  await consume({ ...envelope('once', 'j2', 9, 'FAILED'), source: 'aws.s3' });
  await consume({ ...envelope('once', 'j2', 9, 'FAILED'), 'detail-type': 'SomethingElse' });
  t.match(await snapshot('once'), [{}, { id: 'j2', lastEventSequence: 2 }]);
  await t.rejects(consume({ ...envelope('once', 'j2', 9, 'FAILED'), detail: { jobId: 'x' } }), {
    name: 'ValidationError',
  });
  const orphan = envelope('none', 'j9', 1, 'SUCCEEDED');
  await t.rejects(consume(orphan), { name: 'NotFoundError' });
  const recorded = await database.db
    .select()
    .from(processedEvents)
    .where(inArray(processedEvents.eventId, [orphan.id]));
  t.same(recorded, [], 'an event that could not be applied is not marked processed');
});

import { createWebhookDispatcher } from '@platescale/api';
import { tables } from '@platescale/db';
import { loadConfig } from '@platescale/shared';
import { asc, eq } from 'drizzle-orm';
import t from 'tap';
import { ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startReceiver, validSignature } from './helpers/receiver.js';
import { openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

const { webhookDeliveries, webhookAttempts } = tables;
const TWO_HOURS = 2 * 3600 * 1000;

// Scenario 6: the receiver is down when the job's event goes out and for two hours after. The serving process
// makes the first attempt and is stopped; the same dispatcher then runs on a fake clock against the same database
// (the pending delivery is durable), through the retry schedule, until the receiver is back.
t.test('a receiver down for 2 hours gets the event once, with its original id and a valid signature', async (t) => {
  const s = await openScenario('webhook_outage');
  t.teardown(() => s.dispose());
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  receiver.down = true;
  const plate = await writeSmallPlate(s, { wells: 4, fields: 1 });
  const server = await startServing(s.env());
  await ok(server.url, s.key, 'POST', '/v1/experiments', experimentBody(plate));
  const hook = await ok<{ secret: string }>(server.url, s.key, 'POST', '/v1/webhooks', {
    url: receiver.url,
    eventTypes: ['AnalysisJobSucceeded'],
  });
  const { jobId } = await ok<{ jobId: string }>(server.url, s.key, 'POST', '/v1/jobs', {
    experimentId: plate.experimentId,
    segmentationChannel: 'DNA',
  });
  t.equal((await waitForJob(() => server.url, s.key, jobId)).status, 'SUCCEEDED');
  while (receiver.refused.length === 0) await new Promise((r) => setTimeout(r, 100));
  await server.stop();

  const db = s.database.db;
  const [delivery] = await db.select().from(webhookDeliveries);
  t.ok(delivery, 'one delivery queued');
  const startedAt = delivery!.createdAt.getTime();
  let clock = Date.now();
  const dispatcher = createWebhookDispatcher({
    db: s.database,
    config: loadConfig(s.env()),
    now: () => new Date(clock),
  });
  for (let step = 0; step < 20; step++) {
    const [pending] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
    if (pending!.status !== 'pending') break;
    clock = Math.max(clock, pending!.nextAttemptAt!.getTime());
    receiver.down = clock - startedAt < TWO_HOURS;
    await dispatcher.runDue();
  }
  await dispatcher.stop();

  const attempts = await db
    .select()
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, delivery!.id))
    .orderBy(asc(webhookAttempts.attempt));
  const [final] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, delivery!.id));
  t.equal(final!.status, 'succeeded');
  t.equal(receiver.received.length, 1, 'delivered once');
  const got = receiver.received[0]!;
  t.equal(got.id, delivery!.id, 'with the original webhook-id');
  t.ok(validSignature(hook.secret, got), 'with a valid signature');
  t.match(JSON.parse(got.body), { type: 'AnalysisJobSucceeded', data: { jobId, status: 'SUCCEEDED' } });
  t.same(new Set(receiver.refused), new Set([delivery!.id]), 'every refused attempt carried the same id');
  t.equal(attempts.length, receiver.refused.length + 1, 'the log shows every attempt');
  t.same(
    attempts.map((a) => a.statusCode),
    [...receiver.refused.map(() => 503), 204],
    'each with the status the receiver gave',
  );
  t.same(
    attempts.map((a) => a.attempt),
    attempts.map((_, i) => i + 1),
  );
  const last = attempts.at(-1)!.attemptedAt.getTime();
  t.ok(last - startedAt >= TWO_HOURS, 'the successful attempt came after the outage');

  const c = await jobCounts(s, jobId);
  t.equal(c.events, 1);
  t.equal(c.deliveries, 1);
  report(
    '6 webhook-outage-2h',
    c,
    {
      attempts: attempts.length,
      refused: receiver.refused.length,
      deliveredAfterH: ((last - startedAt) / 3600_000).toFixed(2),
    },
    receiver,
  );
});

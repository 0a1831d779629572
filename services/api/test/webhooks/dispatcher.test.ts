import { ANALYSIS_EVENT_SOURCE, type AnalysisJobEventDetail } from '@platescale/shared';
import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { createWebhookDispatcher } from '../../src/webhooks/dispatcher.js';
import { build, EXPERIMENT, submitJob } from '../helpers/build.js';
import { succeededDetail } from '../helpers/events.js';
import { receiver, until } from '../helpers/receiver.js';

const { app, auth, deps, events } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });

async function completedJob() {
  const jobId = await submitJob(app, headers);
  const detail = succeededDetail(jobId, 3);

  return {
    jobId,
    publish: () => events.publish([{ source: ANALYSIS_EVENT_SOURCE, detailType: 'AnalysisJobSucceeded', detail }]),
  };
}

t.test('a receiver answering 500 twice verifies the signed event on the third attempt', async (t) => {
  const target = await receiver(t, 2);
  const hook = (
    await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers,
      payload: { url: target.url, eventTypes: ['AnalysisJobSucceeded', 'AnalysisJobFailed'] },
    })
  ).json();
  const dispatcher = createWebhookDispatcher({ db: deps.db, config: deps.config, scheduleSeconds: [0.05, 0.05, 0.05] });
  const unsubscribe = events.subscribe((e) => dispatcher.handle(e));
  dispatcher.start(20);
  t.teardown(async () => {
    unsubscribe();
    await dispatcher.stop();
  });

  const { jobId, publish } = await completedJob();
  const [eventId] = await publish();
  await until(() => target.received.length === 3);

  const ids = new Set(target.received.map((r) => r.headers['webhook-id']));
  t.equal(ids.size, 1, 'every attempt carries the same webhook-id');
  const last = target.received[2]!;
  const verified = new Webhook(hook.secret).verify(last.body, last.headers as Record<string, string>) as {
    type: string;
    data: AnalysisJobEventDetail;
  };
  t.match(verified, { type: 'AnalysisJobSucceeded', data: { jobId, status: 'SUCCEEDED', imagesSucceeded: 3 } });
  t.throws(() =>
    new Webhook(`whsec_${Buffer.from('another secret!!').toString('base64')}`).verify(
      last.body,
      last.headers as Record<string, string>,
    ),
  );

  await until(async () => {
    const log = (await app.inject({ url: `/v1/webhooks/${hook.webhookId}/deliveries`, headers })).json();
    return log.items[0]?.status === 'succeeded';
  });
  const log = (await app.inject({ url: `/v1/webhooks/${hook.webhookId}/deliveries`, headers })).json();
  t.match(log.items, [{ eventId, eventType: 'AnalysisJobSucceeded', status: 'succeeded', nextAttemptAt: null }]);
  t.same(
    log.items[0].attempts.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode]),
    [
      [1, 500],
      [2, 500],
      [3, 204],
    ],
  );

  // The same event delivered twice by the bus is one delivery.
  await dispatcher.handle({
    version: '0',
    id: eventId!,
    'detail-type': 'AnalysisJobSucceeded',
    source: ANALYSIS_EVENT_SOURCE,
    account: '0',
    time: new Date().toISOString(),
    region: 'local',
    resources: [],
    detail: JSON.parse(last.body).data,
  });
  t.equal((await app.inject({ url: `/v1/webhooks/${hook.webhookId}/deliveries`, headers })).json().items.length, 1);

  const redeliver = await app.inject({
    method: 'POST',
    url: `/v1/webhooks/${hook.webhookId}/deliveries/${log.items[0].deliveryId}/redeliver`,
    headers,
  });
  t.equal(redeliver.statusCode, 202);
  await until(() => target.received.length === 4);
  t.equal(target.received[3]!.headers['webhook-id'], log.items[0].deliveryId, 'manual redelivery keeps the webhook-id');
  await app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.webhookId}`, headers });
});

t.test('a delivery failing through the whole schedule fails and disables its subscription', async (t) => {
  const target = await receiver(t, 100);
  const hook = (
    await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers,
      payload: { url: target.url, eventTypes: ['AnalysisJobSucceeded'] },
    })
  ).json();
  const dispatcher = createWebhookDispatcher({ db: deps.db, config: deps.config, scheduleSeconds: [0.02, 0.02] });
  const unsubscribe = events.subscribe((e) => dispatcher.handle(e));
  dispatcher.start(20);
  t.teardown(async () => {
    unsubscribe();
    await dispatcher.stop();
  });
  const { publish } = await completedJob();
  await publish();
  await until(async () => !(await app.inject({ url: `/v1/webhooks/${hook.webhookId}`, headers })).json().enabled);
  t.equal(target.received.length, 3, 'first attempt + one per schedule entry');
  const after = (await app.inject({ url: `/v1/webhooks/${hook.webhookId}`, headers })).json();
  t.match(after, { enabled: false, disabledReason: /failed 3 attempts/ });
  const log = (await app.inject({ url: `/v1/webhooks/${hook.webhookId}/deliveries`, headers })).json();
  t.match(log.items, [{ status: 'failed' }]);
});

t.test('the default schedule spans more than 24 hours', async (t) => {
  const { retrySchedule } = await import('../../src/webhooks/policy.js');
  const total = retrySchedule(deps.config).reduce((a, b) => a + b, 0);
  t.ok(total >= 24 * 3600, `${total} s before jitter, which only adds`);
});

t.test('startServer subscribes the dispatcher to the bus and runs the retry loop', async (t) => {
  const { startServer } = await import('../../src/server.js');
  const server = await startServer(deps, { host: '127.0.0.1', port: 0 });
  t.teardown(() => server.close());
  const target = await receiver(t, 1);
  const res = await fetch(`${server.url}/v1/webhooks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ url: target.url, eventTypes: ['AnalysisJobSucceeded'] }),
  });
  t.equal(res.status, 201);
  const { publish } = await completedJob();
  await publish();
  await until(() => target.received.length === 1);
  t.equal(target.received.length, 1, 'the first attempt went out at once; the retry waits for the 5 s schedule');
});

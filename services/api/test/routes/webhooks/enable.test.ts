import { ANALYSIS_EVENT_SOURCE } from '@platescale/shared';
import t from 'tap';
import { createWebhookDispatcher } from '../../../src/webhooks/dispatcher.js';
import { build } from '../../helpers/build.js';
import { succeededDetail } from '../../helpers/events.js';
import { receiver, until } from '../../helpers/receiver.js';

const { app, auth, deps, events, keyFor } = await build(t);
const headers = { authorization: auth };

const subscribe = async (url: string) =>
  (
    await app.inject({
      method: 'POST',
      url: '/v1/webhooks',
      headers,
      payload: { url, eventTypes: ['AnalysisJobSucceeded'] },
    })
  ).json();
const read = async (id: string) => (await app.inject({ url: `/v1/webhooks/${id}`, headers })).json();
const enable = (id: string, h: Record<string, string> = headers) =>
  app.inject({ method: 'POST', url: `/v1/webhooks/${id}/enable`, headers: h });
const deliveries = async (id: string) =>
  (await app.inject({ url: `/v1/webhooks/${id}/deliveries`, headers })).json().items as { status: string }[];

/**
 * Publishes a completion event of lab-a (the tenant rides in the detail, so no job row is needed) and waits until
 * the dispatcher has queued its deliveries.
 */
const publish = async (jobId: string) => {
  const detail = succeededDetail(jobId, 1, { tenantId: 'lab-a' });

  await events.publish([{ source: ANALYSIS_EVENT_SOURCE, detailType: 'AnalysisJobSucceeded', detail }]);
  await events.drain();
};

t.test('a webhook the dispatcher disabled gets deliveries again after enable', async (t) => {
  const target = await receiver(t, 2);
  const hook = await subscribe(target.url);
  // One retry: the first attempt and the retry both get 500, which exhausts the schedule and disables the hook.
  const dispatcher = createWebhookDispatcher({ db: deps.db, config: deps.config, scheduleSeconds: [0.02] });
  const unsubscribe = events.subscribe((e) => dispatcher.handle(e));
  dispatcher.start(20);
  t.teardown(async () => {
    unsubscribe();
    await dispatcher.stop();
  });

  await publish('job_1');
  await until(async () => !(await read(hook.webhookId)).enabled);
  t.match(await read(hook.webhookId), { enabled: false, disabledReason: /failed 2 attempts/ });
  await publish('job_2');
  t.equal((await deliveries(hook.webhookId)).length, 1, 'nothing is queued for a disabled webhook');

  const res = await enable(hook.webhookId);
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { webhookId: hook.webhookId, enabled: true, disabledReason: null });
  t.notOk('secret' in res.json());

  await publish('job_3');
  await until(async () => (await deliveries(hook.webhookId))[0]?.status === 'succeeded');
  t.equal(target.received.length, 3, 'two failed attempts before, one delivery after');
  t.equal(JSON.parse(target.received[2]!.body).data.jobId, 'job_3');
  t.same(
    (await deliveries(hook.webhookId)).map((d) => d.status),
    ['succeeded', 'failed'],
    'the delivery that failed stays failed (redeliver resends it)',
  );
});

t.test('enable is a no-op on an enabled webhook; scoped to the tenant and the scope', async (t) => {
  const hook = await subscribe('http://127.0.0.1:9/hook');
  const again = await enable(hook.webhookId);
  t.equal(again.statusCode, 200);
  t.match(again.json(), { enabled: true, disabledReason: null });

  t.equal(
    (await enable(hook.webhookId, { authorization: await keyFor('lab-b', ['webhooks:manage']) })).statusCode,
    404,
  );
  t.equal((await enable(hook.webhookId, { authorization: await keyFor('lab-a', ['jobs:read']) })).statusCode, 403);
  t.equal((await enable('wh_unknown')).statusCode, 404);
  await app.inject({ method: 'DELETE', url: `/v1/webhooks/${hook.webhookId}`, headers });
  t.equal((await enable(hook.webhookId)).statusCode, 404, 'a deleted webhook stays deleted');
});

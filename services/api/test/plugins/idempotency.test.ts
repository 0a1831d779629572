import t from 'tap';
import { build, EXPERIMENT } from '../helpers/build.js';

const { app, auth, fake, keyFor, database } = await build(t);
const headers = { authorization: auth };
await app.inject({ method: 'POST', url: '/v1/experiments', headers, payload: EXPERIMENT });
const job = { experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 4 };
/** POST /v1/jobs of `job` under an Idempotency-Key. */
const postJob = (key: string) =>
  app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...headers, 'idempotency-key': key }, payload: job });

t.test('a retry with the same key and body replays the original response; a different body is 422', async (t) => {
  const first = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { ...headers, 'idempotency-key': 'k-1' },
    payload: job,
  });
  t.equal(first.statusCode, 202);
  const starts = fake.started.length;
  const retry = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { ...headers, 'idempotency-key': 'k-1' },
    payload: { batchSize: 4, segmentationChannel: 'DNA', experimentId: 'AS_09125' },
  });
  t.equal(retry.statusCode, 202);
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.same(retry.json(), first.json());
  t.equal(fake.started.length, starts, 'no second job was started');

  const changed = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { ...headers, 'idempotency-key': 'k-1' },
    payload: { ...job, batchSize: 5 },
  });
  t.equal(changed.statusCode, 422);
  t.equal(changed.json().code, 'idempotency_key_reused');

  const fresh = await app.inject({
    method: 'POST',
    url: '/v1/jobs',
    headers: { ...headers, 'idempotency-key': 'k-2' },
    payload: job,
  });
  t.not(fresh.json().jobId, first.json().jobId);
});

t.test('refusals are not kept: a retry after creating the missing experiment runs; keys are per tenant', async (t) => {
  const later = { ...job, experimentId: 'later' };
  const send = (payload: object) =>
    app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...headers, 'idempotency-key': 'k-404' }, payload });
  const first = await send(later);
  t.equal(first.statusCode, 404);
  const refused = await send({ ...later, segmentationChannel: 'GFP' });
  t.equal(refused.statusCode, 404, 'the key was released: another body is no 422');
  t.notOk(refused.headers['idempotent-replayed']);
  await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers,
    payload: { ...EXPERIMENT, experimentId: 'later' },
  });
  const wrongChannel = await send({ ...later, segmentationChannel: 'GFP' });
  t.equal(wrongChannel.statusCode, 400, "a handler's validation failure");
  const retry = await send(later);
  t.equal(retry.statusCode, 202, 'the retry ran');
  t.notOk(retry.headers['idempotent-replayed']);
  const replay = await send(later);
  t.equal(replay.statusCode, 202);
  t.equal(replay.headers['idempotent-replayed'], 'true', 'and its success is kept');
  t.equal(replay.json().jobId, retry.json().jobId);

  const other = await keyFor('lab-b', ['jobs:write']);
  const otherTenant = await app.inject({
    method: 'POST',
    url: '/v1/experiments',
    headers: { authorization: other, 'idempotency-key': 'k-1' },
    payload: { ...EXPERIMENT, imagePrefix: 'tenants/lab-b/experiments/AS_09125/' },
  });
  t.equal(otherTenant.statusCode, 201, "lab-b's k-1 is not lab-a's k-1");
});

t.test('a key whose first request never answered: 409 while it may still run, taken over once abandoned', async (t) => {
  const { tables } = await import('@platescale/db');
  const { eq } = await import('drizzle-orm');
  const send = () => postJob('k-stuck');
  const first = await send();
  // As if the process had died before answering: the record has no response.
  const row = eq(tables.idempotencyKeys.key, 'k-stuck');
  await database.db.update(tables.idempotencyKeys).set({ statusCode: null, responseBody: null }).where(row);
  const busy = await send();
  t.equal(busy.statusCode, 409);
  t.equal(busy.json().code, 'idempotency_request_in_progress');
  await database.db
    .update(tables.idempotencyKeys)
    .set({ createdAt: new Date(Date.now() - 10 * 60_000) })
    .where(row);
  const retried = await send();
  t.equal(retried.statusCode, 202);
  t.not(retried.json().jobId, first.json().jobId, 'the retry ran');
  t.equal((await send()).json().jobId, retried.json().jobId, 'and is replayed from then on');
});

t.test(
  'a job that started is answered as started even when recording its execution fails: no second job',
  async (t) => {
    // The database refuses the update that records the execution, as a pool timing out under load did.
    await database.db.execute(
      `CREATE FUNCTION refuse_execution() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'pool timeout'; END $$`,
    );
    await database.db.execute(
      'CREATE TRIGGER refuse_execution BEFORE UPDATE OF execution_arn ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_execution()',
    );
    t.teardown(() => database.db.execute('DROP TRIGGER refuse_execution ON jobs'));
    const send = () => postJob('k-started');
    const starts = fake.started.length;
    const first = await send();
    t.equal(first.statusCode, 202, first.body);
    t.equal(first.json().status, 'RUNNING');
    t.equal(fake.started.length, starts + 1);
    t.equal(fake.started.at(-1)?.name, first.json().jobId);
    const retry = await send();
    t.equal(retry.headers['idempotent-replayed'], 'true');
    t.same(retry.json(), first.json());
    t.equal(fake.started.length, starts + 1, 'the retry started nothing');
  },
);

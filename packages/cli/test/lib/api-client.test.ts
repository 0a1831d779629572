import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writePlate } from '@platescale/synthetic';
import t from 'tap';
import { ApiClient, ApiRequestError } from '../../src/lib/api-client.js';
import { failureMessage } from '../../src/lib/failure.js';
import { localKey } from '../../src/lib/platform.js';
import { startTestPlatform } from '../helpers/platform.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function serve(handler: Handler, port = 0): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
const portOf = (server: Server) => (server.address() as AddressInfo).port;
const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

t.test('polling survives a server that goes away and comes back: one notice, then the answer', async (t) => {
  const first = await serve((_req, res) => json(res, 200, { jobId: 'j', status: 'RUNNING' }));
  const port = portOf(first);
  let notices = 0;
  const client = new ApiClient(`http://127.0.0.1:${port}`, 'psk_x', { onUnavailable: () => notices++ });
  const polls: string[] = [];
  const waiting = client.waitForJob('j', () => polls.push('poll'), 50);
  await sleep(200);
  await stop(first);
  await sleep(1500);
  let unavailable = 2;
  const second = await serve(
    (_req, res) =>
      unavailable-- > 0
        ? json(res, 503, { code: 'service_unavailable' })
        : json(res, 200, { jobId: 'j', status: 'SUCCEEDED' }),
    port,
  );
  t.teardown(() => stop(second));
  const job = await waiting;
  t.equal(job.status, 'SUCCEEDED');
  t.equal(notices, 1, 'one notice for the outage (refused connections and 503s alike)');
  t.ok(polls.length >= 2);
});

t.test('a POST retried after its connection broke carries the same Idempotency-Key', async (t) => {
  const keys: string[] = [];
  const server = await serve((req, res) => {
    keys.push(String(req.headers['idempotency-key']));
    if (keys.length === 1) req.socket.destroy();
    else json(res, 202, { jobId: 'j' });
  });
  t.teardown(() => stop(server));
  const client = new ApiClient(`http://127.0.0.1:${portOf(server)}`, 'psk_x', { onUnavailable: () => undefined });
  t.same(await client.request('POST', '/v1/jobs', { experimentId: 'e' }), { jobId: 'j' });
  t.equal(keys.length, 2);
  t.match(keys[0], /^[0-9a-f-]{36}$/);
  t.equal(keys[1], keys[0]);
});

t.test('refusals are not retried; a server that stays away ends in one clear error', async (t) => {
  const server = await serve((_req, res) => json(res, 404, { code: 'job_not_found' }));
  const port = portOf(server);
  let notices = 0;
  const client = new ApiClient(`http://127.0.0.1:${port}`, 'psk_x', {
    retryForMs: 800,
    onUnavailable: () => notices++,
  });
  await t.rejects(client.request('GET', '/v1/jobs/j'), ApiRequestError);
  t.equal(notices, 0);
  await stop(server);
  const err = await client.request('GET', '/v1/jobs/j').catch((e: unknown) => e);
  t.match(err, {
    name: 'UnavailableError',
    message: `the server at http://127.0.0.1:${port} did not answer GET /v1/jobs/j for 1 s (ECONNREFUSED)`,
  });
  t.equal(failureMessage(err), (err as Error).message, 'printed as one line, no stack trace');
  t.equal(notices, 1);
});

t.test('expected failures print one line; a bug keeps its stack', async (t) => {
  const missing = await readFile('/no/such/file').catch((e: unknown) => e);
  t.equal(failureMessage(missing), "ENOENT: no such file or directory, open '/no/such/file'");
  t.match(failureMessage(new TypeError('x is not a function')), /^TypeError: x is not a function\n\s+at /);
});

t.test('a job followed through a real server restart finishes; the client says so once', async (t) => {
  const env = await startTestPlatform();
  t.teardown(() => env.close());
  const notices: string[] = [];
  const client = new ApiClient(env.platform.url, await localKey(env.platform, 'e2e'), {
    onUnavailable: () => notices.push('server unavailable'),
  });
  const { objects } = env.platform.runtime;
  const dir = await mkdtemp(join(tmpdir(), 'platescale-restart-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(dir, {
    plate: 'P1',
    wells: ['A01', 'A02', 'A03', 'A04', 'B01', 'B02'],
    fields: 1,
    seed: 2,
  });
  const prefix = 'tenants/e2e/experiments/restart/';
  for (const f of truth.fields)
    for (const name of f.files) await objects.put(`${prefix}${name}`, await readFile(join(dir, name)));
  await client.request('POST', '/v1/experiments', {
    experimentId: 'restart',
    plateFormat: 96,
    imagePrefix: prefix,
    naming: 'auto',
    channels: truth.channels,
  });
  const { jobId } = await client.request<{ jobId: string }>('POST', '/v1/jobs', {
    experimentId: 'restart',
    segmentationChannel: 'DNA',
    batchSize: 1,
    maxConcurrency: 1,
  });
  const waiting = client.waitForJob(jobId, () => undefined, 100);
  await sleep(300);
  await env.restart(1000);
  const job = await waiting;
  t.equal(job.status, 'SUCCEEDED', 'the job resumed on the restarted server');
  t.same(notices, ['server unavailable'], 'one notice, no failure');
});

import t from 'tap';
import { call, ok, waitForJob } from './helpers/api.js';
import { jobCounts, report } from './helpers/counts.js';
import { experimentBody, writeSmallPlate } from './helpers/plate.js';
import { startReceiver, validSignature } from './helpers/receiver.js';
import { openScenario } from './helpers/scenario.js';
import { startServing } from './helpers/server.js';

// Scenario 1: the serving process (API + local engine + worker pool) is SIGKILLed in the middle of a job and
// started again on the same database and object store.
t.test('SIGKILL mid-job, restart: the job finishes, every image once, one event, one delivery', async (t) => {
  const s = await openScenario('sigkill');
  t.teardown(() => s.dispose());
  const receiver = await startReceiver();
  t.teardown(() => receiver.close());
  const plate = await writeSmallPlate(s, { wells: 24, fields: 4 });

  const first = await startServing(s.env(), 'cli');
  t.teardown(() => first.kill());
  await ok(first.url, s.key, 'POST', '/v1/experiments', experimentBody(plate));
  const hook = await ok<{ secret: string }>(first.url, s.key, 'POST', '/v1/webhooks', {
    url: receiver.url,
    eventTypes: ['AnalysisJobSucceeded', 'AnalysisJobPartiallySucceeded', 'AnalysisJobFailed'],
  });
  const { jobId } = await ok<{ jobId: string }>(first.url, s.key, 'POST', '/v1/jobs', {
    experimentId: plate.experimentId,
    segmentationChannel: 'DNA',
    batchSize: 2,
    maxConcurrency: 2,
  });
  const mid = await waitForJob(() => first.url, s.key, jobId, { until: (j) => j.progress.succeeded >= 8 });
  await first.kill();
  t.equal(mid.status, 'RUNNING', `killed mid-run (${mid.progress.succeeded}/${plate.imageSets} images done)`);
  t.ok(mid.progress.succeeded < plate.imageSets, 'images were left to do');

  const restarted = performance.now();
  const second = await startServing(s.env(), 'cli');
  t.teardown(() => second.stop());
  const listening = performance.now();
  const done = await waitForJob(() => second.url, s.key, jobId);
  const finished = performance.now();
  t.equal(done.status, 'SUCCEEDED');

  // The delivery goes out right after the event; wait for it, then a little longer for any duplicate.
  const deadline = Date.now() + 15_000;
  while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2000));

  const c = await jobCounts(s, jobId);
  t.equal(c.imageRows, plate.imageSets, 'one image row per image set');
  t.equal(c.imagesFailed, 0);
  t.equal(c.wellRows, plate.wells, 'one well row per well');
  t.equal(c.events, 1, 'one completion event');
  t.equal(c.eventsUnpublished, 0, 'the event was published');
  t.equal(c.deliveries, 1, 'one delivery for the one subscriber');
  t.equal(c.deliveriesSucceeded, 1);
  t.equal(receiver.received.length, 1, 'the receiver got the event once');
  t.ok(receiver.received[0] && validSignature(hook.secret, receiver.received[0]), 'signed with the secret');
  const results = await call<{ items: unknown[] }>(
    second.url,
    s.key,
    'GET',
    `/v1/jobs/${jobId}/results?level=image&limit=1000`,
  );
  t.equal(results.body.items.length, plate.imageSets, 'the API serves every image row');

  report(
    '1 sigkill-restart',
    c,
    {
      killedAt: `${mid.progress.succeeded}/${plate.imageSets}`,
      restartToListeningS: ((listening - restarted) / 1000).toFixed(1),
      restartToDoneS: ((finished - restarted) / 1000).toFixed(1),
    },
    receiver,
  );
});

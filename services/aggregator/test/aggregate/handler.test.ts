import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesystemObjectStore, createInProcessEventBus } from '@platescale/adapters';
import { tables } from '@platescale/db';
import {
  getDoseResponse,
  getJobResults,
  getZPrime,
  parsePlateMap,
  plateMapLookup,
  savePlateMap,
} from '@platescale/results';
import type { EventEnvelope, ImageResult } from '@platescale/shared';
import { syntheticImageSummary } from '@platescale/synthetic';
import { eq } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { type AggregateTimings, createAggregateHandler, jobStatus } from '../../src/aggregate/handler.js';
import { createJobEventConsumer } from '../../src/events/consumer.js';
import { aggregateWells } from '../../src/stats/wells.js';
import { databaseWithJobs } from '../helpers/db.js';
import { batchesOf, syntheticPlateResults, writeMapOutput } from '../helpers/map-output.js';

// One database for the file (PGlite starts slowly); every test has its own job.
const dir = await mkdtemp(join(tmpdir(), 'aggregate-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const objects = createFilesystemObjectStore(dir, 'platescale');
const database = await databaseWithJobs(t, ['job-1', 'job-3', 'job-4', 'job-5']);
await databaseJob('job-2', 30);

async function databaseJob(id: string, tolerated: number) {
  await database.db.insert(tables.jobs).values({
    id,
    experimentId: 'exp-2',
    status: 'RUNNING',
    segmentationChannel: 'DNA',
    maxConcurrency: 1,
    batchSize: 4,
    toleratedFailurePercentage: tolerated,
    resultsPrefix: `jobs/${id}/`,
  });
}

function setup(t: Test) {
  const events = createInProcessEventBus({ region: 'us-east-1', account: '000000000000' });
  const received: EventEnvelope[] = [];
  t.teardown(
    events.subscribe(async (e) => {
      received.push(e);
    }),
  );
  t.teardown(events.subscribe(createJobEventConsumer({ db: database.db })));
  const aggregate = createAggregateHandler({ db: database.db, objects, events });
  return { objects, database, events, received, aggregate };
}

function sampleSd(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

t.test('the synthetic plate: wells, conditions, Z′ and EC50 from the ResultWriter output', async (t) => {
  const { objects, database, events, received, aggregate } = setup(t);
  const { design, images, plateMapRows } = syntheticPlateResults();
  const plateMap = parsePlateMap(plateMapRows, { format: 'json', plateFormat: 96 });
  await savePlateMap(database.db, { experimentId: 'exp-1' }, plateMap);
  const details = await writeMapOutput(objects, 'jobs/job-1/', batchesOf(images, 10));

  const output = await aggregate({
    jobId: 'job-1',
    bucket: 'platescale',
    resultWriterDetails: details,
    mapRunArn: details.mapRunArn,
  });
  t.match(output, { status: 'SUCCEEDED', imagesTotal: 384, imagesSucceeded: 384, imagesFailed: 0, wells: 96 });
  await events.drain();

  const wells = await getJobResults(database.db, 'job-1', 'well');
  t.equal(wells.length, 96);
  const a01 = wells.find((w) => w.well === 'A01')!;
  const a01Counts = images.filter((i) => i.well === 'A01').map((i) => (i.ok ? i.count : 0));
  t.match(a01, {
    fields: 4,
    fieldsFailed: 0,
    cellCount: a01Counts.reduce((a, b) => a + b, 0),
    role: 'negative_control',
  });

  // Z′ recomputed independently from the well table's cell counts.
  const counts = (role: string) => wells.filter((w) => w.role === role).map((w) => w.cellCount);
  const [p, n] = [counts('positive_control'), counts('negative_control')];
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const independent = 1 - (3 * (sampleSd(p) + sampleSd(n))) / Math.abs(mean(p) - mean(n));
  const zPrime = await getZPrime(database.db, 'job-1');
  t.ok(
    Math.abs(zPrime.SYNTH01!.Count_Nuclei! - independent) < 1e-6,
    `Z′ ${zPrime.SYNTH01!.Count_Nuclei} vs ${independent}`,
  );
  t.ok(independent > 0.5);

  const fits = await getDoseResponse(database.db, 'job-1', { feature: 'Count_Nuclei' });
  t.same(
    fits.map((f) => f.treatment),
    ['compoundA', 'compoundB'],
  );
  for (const fit of fits) {
    const trueEc50 = design.treatments.find((d) => d.treatment === fit.treatment)!.ec50;
    t.ok(
      Math.abs(Math.log10(fit.ec50!) - Math.log10(trueEc50)) < 0.1,
      `${fit.treatment} EC50 ${fit.ec50} vs ${trueEc50}`,
    );
    t.ok(fit.ec50CiLow! < fit.ec50! && fit.ec50! < fit.ec50CiHigh!);
    t.ok(fit.r2! > 0.9);
  }

  const conditions = await getJobResults(database.db, 'job-1', 'condition');
  const dmso = conditions.find((c) => c.treatment === 'DMSO' && c.feature === 'Count_Nuclei')!;
  t.match(dmso, { n: 8, role: 'negative_control', dose: 0 });
  t.equal(conditions.filter((c) => c.feature === 'Count_Nuclei').length, 2 + 2 * 10, 'two controls + 2 × 10 doses');
  t.ok((await getJobResults(database.db, 'job-1', 'image')).length === 384);
  t.ok(Object.keys(a01.robustZ ?? {}).includes('Count_Nuclei'));

  t.equal(received.length, 1);
  t.match(received[0], {
    source: 'platescale.analysis',
    'detail-type': 'AnalysisJobSucceeded',
    detail: { jobId: 'job-1', status: 'SUCCEEDED', imagesTotal: 384, sequence: output.sequence, failures: [] },
  });
  const [job] = await database.db.select().from(tables.jobs).where(eq(tables.jobs.id, 'job-1'));
  t.match(job, {
    status: 'SUCCEEDED',
    imagesTotal: 384,
    imagesSucceeded: 384,
    imagesFailed: 0,
    lastEventSequence: output.sequence,
  });
  const [row] = await database.db.select().from(tables.outbox).where(eq(tables.outbox.jobId, 'job-1'));
  t.ok(row?.publishedAt, 'the outbox row is stamped published');
  t.equal(row?.eventId, received[0]!.id);

  // Step Functions retries the task after it did its work: same rows, no second event.
  const again = await aggregate({
    jobId: 'job-1',
    bucket: 'platescale',
    resultWriterDetails: details,
    mapRunArn: details.mapRunArn,
  });
  await events.drain();
  t.equal(again.sequence, output.sequence);
  t.equal(received.length, 1);
  t.equal((await getJobResults(database.db, 'job-1', 'well')).length, 96);
});

t.test('failed items within tolerance → PartiallySucceeded with the failures listed', async (t) => {
  const { objects, database, events, received, aggregate } = setup(t);
  const { images } = syntheticPlateResults({ fields: 1 });
  const few = images.slice(0, 8);
  const batches = batchesOf(few, 4);
  batches[1] = { items: batches[1]!.items, error: { Error: 'Lambda.Unknown', Cause: 'boom' } };
  const corrupt: ImageResult = { ...few[0]!, ok: false, error: { type: 'DecodeError', message: 'corrupt TIFF' } };
  batches[0] = { items: batches[0]!.items, results: [corrupt, ...few.slice(1, 4)] };
  const details = await writeMapOutput(objects, 'jobs/job-2/', batches);
  const output = await aggregate({ jobId: 'job-2', bucket: 'platescale', resultWriterDetails: details });
  // 5 of 8 failed > 30% tolerated
  t.match(output, { status: 'FAILED', imagesFailed: 5, imagesSucceeded: 3 });
  await events.drain();
  t.match(received[0], {
    'detail-type': 'AnalysisJobFailed',
    detail: { error: { error: 'ToleratedFailureExceeded' } },
  });
  t.equal((received[0]!.detail as { failures: unknown[] }).failures.length, 5);
  const [job] = await database.db.select().from(tables.jobs).where(eq(tables.jobs.id, 'job-2'));
  t.equal(job?.status, 'FAILED');
  const failedImages = (await getJobResults(database.db, 'job-2', 'image')).filter((i) => !i.ok);
  t.same(failedImages.map((i) => i.error).sort(), [
    'DecodeError: corrupt TIFF',
    'Lambda.Unknown: boom',
    'Lambda.Unknown: boom',
    'Lambda.Unknown: boom',
    'Lambda.Unknown: boom',
  ]);
});

t.test('wells whose fields are scattered over the files take their medians from the stored rows', async (t) => {
  const events = createInProcessEventBus({ region: 'us-east-1', account: '000000000000' });
  const timings: AggregateTimings[] = [];
  const aggregate = createAggregateHandler({ db: database.db, objects, events, onTimings: (x) => timings.push(x) });
  const images: ImageResult[] = [];
  for (const row of 'AB') {
    for (let col = 1; col <= 6; col++) {
      const well = `${row}0${col}`;
      for (let field = 0; field < 5; field++) {
        const failed = field === col % 5;
        images.push(
          failed
            ? { plate: 'P1', well, field, ok: false, error: { type: 'DecodeError', message: 'corrupt' } }
            : syntheticImageSummary({ plate: 'P1', well, field }, ['DNA', 'CellStain']),
        );
      }
    }
  }
  // Row A's wells come whole; row B's fields come by field number, one file (batch) after another.
  const order = [...images].sort(
    (a, b) => (a.well < 'B' ? 0 : 1) - (b.well < 'B' ? 0 : 1) || (a.well < 'B' ? 0 : a.field - b.field),
  );
  const details = await writeMapOutput(objects, 'jobs/job-5/', batchesOf(order, 4));
  const output = await aggregate({ jobId: 'job-5', bucket: 'platescale', resultWriterDetails: details });
  t.match(output, { imagesTotal: 60, imagesFailed: 12, wells: 12 });
  t.equal(timings[0]?.scatteredWells, 6, "row B's wells were read back");
  const expected = aggregateWells(images, plateMapLookup([]));
  const stored = await getJobResults(database.db, 'job-5', 'well');
  t.equal(stored.length, 12);
  for (const w of stored) {
    const e = expected.find((x) => x.well === w.well)!;
    t.same(
      [w.medianArea, w.featureMedians, w.meanArea, w.features],
      [e.medianArea, e.featureMedians, e.meanArea, e.features],
      `${w.well}: medians and means exact`,
    );
  }
});

t.test('status from counts and tolerance', async (t) => {
  t.equal(jobStatus(10, 0, 0), 'SUCCEEDED');
  t.equal(jobStatus(10, 1, 10), 'PARTIALLY_SUCCEEDED');
  t.equal(jobStatus(10, 2, 10), 'FAILED');
  t.equal(jobStatus(1, 1, 100), 'FAILED', 'nothing succeeded');
});

t.test('ReportFailure: the error becomes AnalysisJobFailed, once per distinct error', async (t) => {
  const { objects, database, events, received, aggregate } = setup(t);
  await objects.put('jobs/job-3/manifest.json', JSON.stringify([{}, {}, {}]));
  const error = { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'too many failures' };
  const output = await aggregate({ jobId: 'job-3', bucket: 'platescale', error });
  await aggregate({ jobId: 'job-3', bucket: 'platescale', error });
  await events.drain();
  t.match(output, { status: 'FAILED', imagesTotal: 3, imagesFailed: 3 });
  t.equal(received.length, 1);
  t.match(received[0]!.detail, { status: 'FAILED', error: { error: error.Error, cause: error.Cause } });
  const [job] = await database.db.select().from(tables.jobs).where(eq(tables.jobs.id, 'job-3'));
  t.match(job, { status: 'FAILED', error: { error: error.Error } });
});

t.test('an unknown job is a NotFoundError; no ResultWriter pointer is a ValidationError', async (t) => {
  const { aggregate } = setup(t);
  await t.rejects(aggregate({ jobId: 'nope', bucket: 'platescale' }), { name: 'NotFoundError' });
  await t.rejects(aggregate({ jobId: 'job-4', bucket: 'platescale' }), { name: 'ValidationError' });
});

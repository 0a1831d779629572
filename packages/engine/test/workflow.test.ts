import { readFileSync } from 'node:fs';
import type { SegmentBatchEvent } from '@platescale/shared';
import { UnavailableError } from '@platescale/shared';
import validateAsl from 'asl-validator';
import t from 'tap';
import { parse } from 'yaml';
import { createLocalWorkflow, DefinitionError, type LambdaHandler } from '../src/index.js';
import { ANALYSIS_ASL, analysisInput, fakeLister, fastSleep, imageSets, SUBSTITUTIONS } from './helpers/analysis.js';
import { createMemoryObjects, readJson } from './helpers/memory-objects.js';

interface Manifest {
  DestinationBucket: string;
  MapRunArn: string;
  ResultFiles: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', { Key: string; Size: number }[]>;
}
interface ResultEntry {
  ExecutionArn: string;
  Input: string;
  Output?: string;
  Error?: string;
  Cause?: string;
  Status: string;
  [k: string]: unknown;
}

function setup(opts: { sets?: number; segmenter: LambdaHandler; poolSize?: number }) {
  const objects = createMemoryObjects('platescale');
  const aggregatorCalls: Record<string, unknown>[] = [];
  const workflow = createLocalWorkflow({
    definition: ANALYSIS_ASL,
    substitutions: SUBSTITUTIONS,
    objects,
    poolSize: opts.poolSize ?? 4,
    sleep: fastSleep,
    lambdas: {
      'list-image-sets': fakeLister(objects, imageSets(opts.sets ?? 23)),
      segmenter: opts.segmenter,
      aggregator: async (event) => {
        aggregatorCalls.push(event as Record<string, unknown>);
        return { ok: true };
      },
    },
  });
  return { objects, workflow, aggregatorCalls };
}

const okSegmenter: LambdaHandler = async (event) => {
  const e = event as SegmentBatchEvent;
  return { results: e.Items.map((s) => ({ plate: s.plate, well: s.well, field: s.field, ok: true, count: 1 })) };
};

t.test('analysis.asl.yaml: batches of batchSize with the BatchInput, AWS-shaped ResultWriter files', async (t) => {
  const batches: SegmentBatchEvent[] = [];
  const { workflow, objects, aggregatorCalls } = setup({
    segmenter: async (event) => {
      batches.push(event as SegmentBatchEvent);
      return okSegmenter(event);
    },
  });
  const { executionArn } = await workflow.start('ok', analysisInput({ batchSize: 5 }));
  const done = await workflow.wait(executionArn);
  t.equal(done.status, 'SUCCEEDED');
  t.same(
    batches.map((b) => b.Items.length).sort((a, b) => b - a),
    [5, 5, 5, 5, 3],
  );
  t.same(batches[0]!.BatchInput, {
    jobId: 'job-1',
    bucket: 'platescale',
    resultsPrefix: 'results/job-1/',
    segmentationChannel: 'dna',
    modelKey: null,
    objectDiameter: null,
  });
  t.equal(aggregatorCalls.length, 1);
  const call = aggregatorCalls[0] as { mapRunArn: string; resultWriterDetails: { Bucket: string; Key: string } };
  t.match(
    call.mapRunArn,
    /^arn:aws:states:us-east-1:000000000000:mapRun:platescale-analysis\/SegmentImageSets:[0-9a-f-]{36}$/,
  );
  const mapRunId = call.mapRunArn.split(':').pop();
  t.same(call.resultWriterDetails, { Bucket: 'platescale', Key: `results/job-1/map/${mapRunId}/manifest.json` });

  const manifest = await readJson<Manifest>(objects, call.resultWriterDetails.Key);
  t.same(Object.keys(manifest), ['DestinationBucket', 'MapRunArn', 'ResultFiles']);
  t.equal(manifest.DestinationBucket, 'platescale');
  t.equal(manifest.MapRunArn, call.mapRunArn);
  t.same(manifest.ResultFiles.FAILED, []);
  t.same(manifest.ResultFiles.PENDING, []);
  t.equal(manifest.ResultFiles.SUCCEEDED.length, 1);
  const file = manifest.ResultFiles.SUCCEEDED[0]!;
  t.equal(file.Key, `results/job-1/map/${mapRunId}/SUCCEEDED_0.json`);
  t.equal(file.Size, (await objects.get(file.Key)).length);
  const entries = await readJson<ResultEntry[]>(objects, file.Key);
  t.equal(entries.length, 5);
  t.same(Object.keys(entries[0]!), [
    'ExecutionArn',
    'Input',
    'InputDetails',
    'Name',
    'Output',
    'OutputDetails',
    'RedriveCount',
    'RedriveStatus',
    'RedriveStatusReason',
    'StartDate',
    'StateMachineArn',
    'Status',
    'StopDate',
  ]);
  t.match(entries[0], {
    InputDetails: { Included: true },
    OutputDetails: { Included: true },
    RedriveStatus: 'NOT_REDRIVABLE',
    Status: 'SUCCEEDED',
    StateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:platescale-analysis/SegmentImageSets',
  });
  t.match(entries[0]!.ExecutionArn, `:express:platescale-analysis/SegmentImageSets:${mapRunId}:`);
  const fields = entries.flatMap((e) =>
    (JSON.parse(e.Output!) as { results: { field: number }[] }).results.map((r) => r.field),
  );
  t.same(
    fields.sort((a, b) => a - b),
    Array.from({ length: 23 }, (_, i) => i),
    'every item exactly once',
  );
  t.same(JSON.parse(entries[0]!.Input).BatchInput.jobId, 'job-1');

  const [run] = await workflow.mapRuns(executionArn);
  t.match(run, {
    status: 'SUCCEEDED',
    maxConcurrency: 4,
    toleratedFailurePercentage: 20,
    itemCounts: { pending: 0, running: 0, succeeded: 23, failed: 0, total: 23, resultsWritten: 23 },
    executionCounts: { succeeded: 5, total: 5, resultsWritten: 5 },
  });
  const types = (await workflow.history(executionArn)).map((e) => e.type);
  t.same(types.slice(0, 2), ['ExecutionStarted', 'TaskStateEntered']);
  t.ok(types.includes('MapRunStarted') && types.includes('MapRunSucceeded'));
  t.equal(types.at(-1), 'ExecutionSucceeded');
});

t.test(
  'failures within ToleratedFailurePercentage: the Map succeeds and FAILED_0.json carries Error/Cause',
  async (t) => {
    const { workflow, objects, aggregatorCalls } = setup({
      segmenter: async (event) => {
        const e = event as SegmentBatchEvent;
        if (e.Items.some((s) => s.field === 7)) throw new UnavailableError('disk on fire');
        return okSegmenter(event);
      },
    });
    const { executionArn } = await workflow.start('tolerated', analysisInput({ batchSize: 1 }));
    const done = await workflow.wait(executionArn);
    t.equal(done.status, 'SUCCEEDED');
    const call = aggregatorCalls[0] as { resultWriterDetails: { Key: string } };
    const manifest = await readJson<Manifest>(objects, call.resultWriterDetails.Key);
    t.equal(manifest.ResultFiles.FAILED.length, 1);
    const [failed] = await readJson<ResultEntry[]>(objects, manifest.ResultFiles.FAILED[0]!.Key);
    t.equal(failed!.Status, 'FAILED');
    t.equal(failed!.Error, 'UnavailableError');
    t.same(Object.keys(JSON.parse(failed!.Cause!)), ['errorMessage', 'errorType', 'trace']);
    t.equal(JSON.parse(failed!.Cause!).errorMessage, 'disk on fire');
    t.notOk('Output' in failed!);
    const [run] = await workflow.mapRuns(executionArn);
    t.match(run!.itemCounts, { succeeded: 22, failed: 1, total: 23 });
  },
);

t.test('a retried error (UnavailableError) succeeds on a later attempt', async (t) => {
  let calls = 0;
  const { workflow } = setup({
    sets: 3,
    segmenter: async (event) => {
      calls++;
      if (calls <= 2) throw new UnavailableError('try again');
      return okSegmenter(event);
    },
  });
  const { executionArn } = await workflow.start('retry', analysisInput({ batchSize: 10 }));
  t.equal((await workflow.wait(executionArn)).status, 'SUCCEEDED');
  t.equal(calls, 3);
});

t.test(
  'exceeding the tolerated failures: Catch → ReportFailure with States.ExceedToleratedFailureThreshold',
  async (t) => {
    const { workflow, aggregatorCalls, objects } = setup({
      segmenter: async () => {
        throw new TypeError('corrupt image');
      },
    });
    const { executionArn } = await workflow.start('too-many', analysisInput({ batchSize: 5, maxConcurrency: 1 }));
    const done = await workflow.wait(executionArn);
    t.equal(done.status, 'FAILED');
    t.equal(done.error, 'AnalysisFailed');
    t.same(aggregatorCalls, [
      {
        jobId: 'job-1',
        bucket: 'platescale',
        error: {
          Error: 'States.ExceedToleratedFailureThreshold',
          Cause: 'The specified tolerated failure threshold was exceeded',
        },
      },
    ]);
    const [run] = await workflow.mapRuns(executionArn);
    t.equal(run!.status, 'FAILED');
    t.match(
      run!.executionCounts,
      { failed: 1, succeeded: 0, total: 5 },
      'the first failed batch (5/23 items) ends the run',
    );
    const listed = await objects.list('results/job-1/map/');
    t.ok(
      listed.objects.some((o) => o.key.endsWith('FAILED_0.json')),
      'results are written even when the Map fails',
    );
  },
);

t.test('redrive: only failed children run again, succeeded results are kept', async (t) => {
  let broken = true;
  const seen: number[] = [];
  const { workflow, objects, aggregatorCalls } = setup({
    segmenter: async (event) => {
      const e = event as SegmentBatchEvent;
      seen.push(...e.Items.map((s) => s.field));
      if (broken && e.Items.some((s) => s.field === 12)) throw new Error('transient bug');
      return okSegmenter(event);
    },
  });
  const { executionArn } = await workflow.start(
    'redrive',
    analysisInput({ batchSize: 5, toleratedFailurePercentage: 0 }),
  );
  const first = await workflow.wait(executionArn);
  t.equal(first.status, 'FAILED');
  const firstRun = (await workflow.mapRuns(executionArn))[0]!;
  broken = false;
  seen.length = 0;
  await workflow.redrive(executionArn);
  const second = await workflow.wait(executionArn);
  t.equal(second.status, 'SUCCEEDED');
  t.equal(second.redriveCount, 1);
  t.notOk(seen.includes(0), 'a batch that succeeded before is not run again');
  t.ok(seen.includes(12), 'the failed batch ran again');
  const runs = await workflow.mapRuns(executionArn);
  t.equal(runs.length, 1, 'the redriven Map Run is the same Map Run');
  t.equal(runs[0]!.mapRunArn, firstRun.mapRunArn);
  t.match(runs[0]!.itemCounts, { succeeded: 23, failed: 0 });
  const call = aggregatorCalls.at(-1) as { resultWriterDetails: { Key: string } };
  const manifest = await readJson<Manifest>(objects, call.resultWriterDetails.Key);
  const entries = await readJson<ResultEntry[]>(objects, manifest.ResultFiles.SUCCEEDED[0]!.Key);
  const fields = entries.flatMap((e) =>
    (JSON.parse(e.Output!) as { results: { field: number }[] }).results.map((r) => r.field),
  );
  t.equal(fields.length, 23);
  t.equal(new Set(fields).size, 23);
  t.same((await workflow.history(executionArn)).filter((e) => e.type === 'ExecutionRedriven').length, 1);
  await t.rejects(workflow.redrive(executionArn), { code: 'execution_not_redrivable' });
});

t.test('live Map Run counters and stop()', async (t) => {
  const gates: (() => void)[] = [];
  const { workflow } = setup({
    poolSize: 2,
    segmenter: (event) =>
      new Promise((resolve) => {
        gates.push(() => resolve(okSegmenter(event)));
      }),
  });
  const { executionArn } = await workflow.start('live', analysisInput({ batchSize: 5, maxConcurrency: 0 }));
  while (gates.length < 2) await new Promise((r) => setTimeout(r, 1));
  const [run] = await workflow.mapRuns(executionArn);
  t.match(run, {
    status: 'RUNNING',
    maxConcurrency: 0,
    executionCounts: { running: 2, pending: 3, succeeded: 0, total: 5 },
    itemCounts: { running: 10, pending: 13, total: 23 },
  });
  t.equal((await workflow.describe(executionArn)).status, 'RUNNING');
  await workflow.stop(executionArn, { error: 'UserStop', cause: 'test' });
  for (const open of gates) open();
  const done = await workflow.wait(executionArn);
  t.match(done, { status: 'ABORTED', error: 'UserStop', cause: 'test' });
  t.equal((await workflow.mapRuns(executionArn))[0]!.status, 'ABORTED');
  t.equal((await workflow.history(executionArn)).at(-1)!.type, 'ExecutionAborted');
});

t.test('an unsupported field fails at load time, naming the field', async (t) => {
  const definition = {
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'PARQUET' },
          Parameters: { Bucket: 'b', Key: 'k' },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'P',
          States: { P: { Type: 'Pass', End: true } },
        },
        End: true,
      },
    },
  };
  const objects = createMemoryObjects();
  t.throws(() => createLocalWorkflow({ definition, objects, lambdas: {} }), DefinitionError);
  t.throws(() => createLocalWorkflow({ definition, objects, lambdas: {} }), {
    message: /ItemReader\.ReaderConfig\.InputType: PARQUET is not supported/,
  });
  t.throws(
    () =>
      createLocalWorkflow({
        definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true, Foo: 1 } } },
        objects,
        lambdas: {},
      }),
    { message: /States\.A\.Foo/ },
  );
  t.throws(() => createLocalWorkflow({ definition: ANALYSIS_ASL, objects, lambdas: {} }), {
    message: /no substitution given for \$\{ListImageSetsFunctionArn\}/,
  });
});

t.test('fair pool: a small job started after a large one finishes long before it', async (t) => {
  const finished: string[] = [];
  const objects = createMemoryObjects('platescale');
  const workflow = createLocalWorkflow({
    definition: ANALYSIS_ASL,
    substitutions: SUBSTITUTIONS,
    objects,
    poolSize: 2,
    sleep: fastSleep,
    lambdas: {
      'list-image-sets': async (event) => {
        const e = event as { jobId: string };
        return fakeLister(objects, imageSets(e.jobId === 'big' ? 200 : 6))(event);
      },
      segmenter: async (event) => {
        await new Promise((r) => setTimeout(r, 1));
        return okSegmenter(event);
      },
      aggregator: async (event) => {
        finished.push((event as { jobId: string }).jobId);
        return {};
      },
    },
  });
  const big = await workflow.start(
    'big',
    analysisInput({ jobId: 'big', resultsPrefix: 'results/big/', batchSize: 2, maxConcurrency: 0 }),
  );
  await new Promise((r) => setTimeout(r, 20));
  const small = await workflow.start(
    'small',
    analysisInput({ jobId: 'small', resultsPrefix: 'results/small/', batchSize: 2 }),
  );
  const smallDone = await workflow.wait(small.executionArn);
  t.equal(smallDone.status, 'SUCCEEDED');
  const [bigRun] = await workflow.mapRuns(big.executionArn);
  t.equal(bigRun!.status, 'RUNNING', 'the large job is still running when the small one is done');
  t.ok(
    bigRun!.executionCounts.pending > 50,
    `the large job has work left (${bigRun!.executionCounts.pending} batches pending)`,
  );
  await workflow.wait(big.executionArn);
  t.same(finished, ['small', 'big']);
});

t.test('a Retry on a Distributed Map state starts a new Map Run', async (t) => {
  let calls = 0;
  const workflow = createLocalWorkflow({
    definition: {
      StartAt: 'Map',
      States: {
        Map: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'T',
            States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:0:function:flaky', End: true } },
          },
          Retry: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], MaxAttempts: 1 }],
          End: true,
        },
      },
    },
    objects: createMemoryObjects(),
    sleep: fastSleep,
    lambdas: {
      flaky: async (item) => {
        calls++;
        if (calls === 1) throw new Error('first call fails');
        return item;
      },
    },
  });
  const { executionArn } = await workflow.start('retry-map', [1, 2]);
  const done = await workflow.wait(executionArn);
  t.equal(done.status, 'SUCCEEDED');
  t.same(done.output, [1, 2]);
  const runs = await workflow.mapRuns(executionArn);
  t.equal(runs.length, 2);
  t.same(
    runs.map((r) => r.status),
    ['SUCCEEDED', 'FAILED'],
  );
});

t.test('an EXPRESS child running past five minutes is TIMED_OUT and counted as timedOut', async (t) => {
  const workflow = createLocalWorkflow({
    definition: {
      StartAt: 'Map',
      States: {
        Map: {
          Type: 'Map',
          ToleratedFailurePercentage: 100,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Slow',
            States: { Slow: { Type: 'Wait', SecondsPath: '$.wait', End: true } },
          },
          End: true,
        },
      },
    },
    objects: createMemoryObjects(),
    sleep: fastSleep,
    lambdas: {},
  });
  const { executionArn } = await workflow.start('express', [{ wait: 1 }, { wait: 600 }]);
  const done = await workflow.wait(executionArn);
  t.equal(done.status, 'SUCCEEDED');
  t.match(done.output, [{ wait: 1 }, { Error: 'States.Timeout' }]);
  const [run] = await workflow.mapRuns(executionArn);
  t.match(run!.itemCounts, { succeeded: 1, timedOut: 1, failed: 0, total: 2 });
});

t.test(
  'analysis.asl.yaml is valid ASL for asl-validator (the reference schema), substitutions filled in',
  async (t) => {
    const text = readFileSync(ANALYSIS_ASL, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => {
      return `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
    });
    t.same(validateAsl(parse(text)).errors, []);
  },
);

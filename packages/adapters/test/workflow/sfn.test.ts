import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListMapRunsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { createStepFunctionsWorkflow } from '../../src/workflow/sfn.js';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:platescale-analysis';
const EXEC = 'arn:aws:states:us-east-1:123456789012:execution:platescale-analysis:job-1';
const RUN = (n: number) => `arn:aws:states:us-east-1:123456789012:mapRun:platescale-analysis/SegmentImageSets:${n}`;

function setup() {
  const client = new SFNClient({ region: 'us-east-1' });
  const mock = mockClient(client);
  const workflow = createStepFunctionsWorkflow({ stateMachineArn: SM, client });
  return { mock, workflow };
}

t.test('start sends StartExecution with the JSON input', async (t) => {
  const { mock, workflow } = setup();
  const startDate = new Date('2026-01-01T00:00:00Z');
  mock.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate });
  t.same(await workflow.start('job-1', { jobId: 'job-1' }), { executionArn: EXEC, startDate });
  t.same(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input, {
    stateMachineArn: SM,
    name: 'job-1',
    input: '{"jobId":"job-1"}',
  });
});

t.test('describe parses input/output and maps ExecutionDoesNotExist to 404', async (t) => {
  const { mock, workflow } = setup();
  mock.on(DescribeExecutionCommand, { executionArn: EXEC }).resolves({
    executionArn: EXEC,
    stateMachineArn: SM,
    name: 'job-1',
    status: 'FAILED',
    startDate: new Date(0),
    stopDate: new Date(1),
    input: '{"a":1}',
    error: 'AnalysisFailed',
    cause: 'x',
    redriveCount: 2,
  });
  t.match(await workflow.describe(EXEC), {
    status: 'FAILED',
    input: { a: 1 },
    error: 'AnalysisFailed',
    cause: 'x',
    redriveCount: 2,
    stopDate: new Date(1),
  });
  mock
    .on(DescribeExecutionCommand, { executionArn: 'missing' })
    .rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));
  await t.rejects(workflow.describe('missing'), { name: 'NotFoundError', message: /missing/ });
});

t.test('mapRuns pages ListMapRuns and describes each, newest first, with DescribeMapRun counters', async (t) => {
  const { mock, workflow } = setup();
  mock
    .on(ListMapRunsCommand, { executionArn: EXEC })
    .resolves({
      mapRuns: [{ mapRunArn: RUN(1), executionArn: EXEC, stateMachineArn: SM, startDate: new Date(1) }],
      nextToken: 'p2',
    })
    .on(ListMapRunsCommand, { executionArn: EXEC, nextToken: 'p2' })
    .resolves({ mapRuns: [{ mapRunArn: RUN(2), executionArn: EXEC, stateMachineArn: SM, startDate: new Date(2) }] });
  const counts = {
    pending: 1,
    running: 2,
    succeeded: 3,
    failed: 4,
    timedOut: 0,
    aborted: 0,
    total: 10,
    resultsWritten: 7,
  };
  mock.on(DescribeMapRunCommand).callsFake((input: { mapRunArn: string }) => ({
    mapRunArn: input.mapRunArn,
    executionArn: EXEC,
    status: 'RUNNING',
    startDate: new Date(0),
    maxConcurrency: 8,
    toleratedFailurePercentage: 5,
    toleratedFailureCount: 0,
    itemCounts: counts,
    executionCounts: counts,
  }));
  const runs = await workflow.mapRuns(EXEC);
  t.same(
    runs.map((r) => r.mapRunArn),
    [RUN(2), RUN(1)],
  );
  t.match(runs[0], { status: 'RUNNING', maxConcurrency: 8, toleratedFailurePercentage: 5, itemCounts: counts });
  t.equal(mock.commandCalls(ListMapRunsCommand).length, 2);
});

t.test('history flattens the per-type EventDetails member', async (t) => {
  const { mock, workflow } = setup();
  mock.on(GetExecutionHistoryCommand).resolves({
    events: [
      { id: 1, timestamp: new Date(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
      {
        id: 2,
        previousEventId: 1,
        timestamp: new Date(1),
        type: 'MapRunStarted',
        mapRunStartedEventDetails: { mapRunArn: RUN(1) },
      },
    ],
  });
  t.same(await workflow.history(EXEC), [
    { id: 1, timestamp: new Date(0), type: 'ExecutionStarted', details: { input: '{}' } },
    { id: 2, previousEventId: 1, timestamp: new Date(1), type: 'MapRunStarted', details: { mapRunArn: RUN(1) } },
  ]);
  t.same(mock.commandCalls(GetExecutionHistoryCommand)[0]!.args[0].input, { executionArn: EXEC, maxResults: 1000 });
});

t.test('stop and redrive send StopExecution / RedriveExecution', async (t) => {
  const { mock, workflow } = setup();
  mock.on(StopExecutionCommand).resolves({ stopDate: new Date() });
  mock.on(RedriveExecutionCommand).resolves({ redriveDate: new Date() });
  await workflow.stop(EXEC, { error: 'UserCancelled', cause: 'by user' });
  await workflow.redrive(EXEC);
  t.same(mock.commandCalls(StopExecutionCommand)[0]!.args[0].input, {
    executionArn: EXEC,
    error: 'UserCancelled',
    cause: 'by user',
  });
  t.same(mock.commandCalls(RedriveExecutionCommand)[0]!.args[0].input, { executionArn: EXEC });
});

t.test('throttling becomes a retryable UnavailableError', async (t) => {
  const { mock, workflow } = setup();
  const err = Object.assign(new Error('slow down'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });
  mock.on(DescribeExecutionCommand).rejects(err);
  await t.rejects(workflow.describe(EXEC), { name: 'UnavailableError', retryable: true });
});

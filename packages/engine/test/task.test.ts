import { setTimeout as delay } from 'node:timers/promises';
import t from 'tap';
import { createLocalWorkflow, functionNameOf } from '../src/index.js';
import { lambdaError } from '../src/task.js';
import { createMemoryObjects } from './helpers/memory-objects.js';

t.test('FunctionName as a name, a full ARN (with alias) or a partial ARN', async (t) => {
  t.equal(functionNameOf('segmenter'), 'segmenter');
  t.equal(functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:segmenter'), 'segmenter');
  t.equal(functionNameOf('arn:aws:lambda:us-east-1:123456789012:function:segmenter:live'), 'segmenter');
  t.equal(functionNameOf('123456789012:function:segmenter'), 'segmenter');
});

t.test(
  'a thrown error becomes the Lambda error: name = errorType, Cause = {errorMessage, errorType, trace}',
  async (t) => {
    class UnavailableError extends Error {
      override name = 'UnavailableError';
    }
    const failure = lambdaError(new UnavailableError('db down'));
    t.equal(failure.error, 'UnavailableError');
    const cause = JSON.parse(failure.cause!) as { errorMessage: string; errorType: string; trace: string[] };
    t.same(Object.keys(cause), ['errorMessage', 'errorType', 'trace']);
    t.equal(cause.errorMessage, 'db down');
    t.equal(cause.trace[0], 'UnavailableError: db down');
  },
);

function taskMachine(extra: Record<string, unknown>) {
  return {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'fn', 'Payload.$': '$' },
        End: true,
        ...extra,
      },
    },
  };
}

t.test('lambda:invoke output and the missing-function error', async (t) => {
  const workflow = createLocalWorkflow({
    definition: taskMachine({}),
    objects: createMemoryObjects(),
    lambdas: { fn: async (e) => ({ got: e }) },
  });
  const { executionArn } = await workflow.start('ok', { a: 1 });
  const done = await workflow.wait(executionArn);
  t.match(done.output, {
    ExecutedVersion: '$LATEST',
    Payload: { got: { a: 1 } },
    SdkHttpMetadata: { HttpStatusCode: 200 },
    StatusCode: 200,
  });
  const missing = createLocalWorkflow({ definition: taskMachine({}), objects: createMemoryObjects(), lambdas: {} });
  const run = await missing.start('missing', {});
  t.match(await missing.wait(run.executionArn), { status: 'FAILED', error: 'Lambda.ResourceNotFoundException' });
});

t.test('HeartbeatSeconds bounds a local handler (it cannot heartbeat): States.HeartbeatTimeout', async (t) => {
  const workflow = createLocalWorkflow({
    definition: taskMachine({ TimeoutSeconds: 60, HeartbeatSeconds: 5 }),
    objects: createMemoryObjects(),
    lambdas: { fn: () => delay(100).then(() => 'late') },
    sleep: (ms, signal) => delay(ms / 1000, undefined, signal ? { signal } : {}),
  });
  const { executionArn } = await workflow.start('hb', {});
  t.match(await workflow.wait(executionArn), { status: 'FAILED', error: 'States.HeartbeatTimeout' });
});

t.test('execution names follow the StartExecution rule; a name is used once', async (t) => {
  const workflow = createLocalWorkflow({
    definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    objects: createMemoryObjects(),
    lambdas: {},
  });
  await t.rejects(workflow.start('has space', {}), { name: 'ValidationError' });
  await t.rejects(workflow.start('a:b', {}), { name: 'ValidationError' });
  await workflow.start('job_01.x', {});
  await t.rejects(workflow.start('job_01.x', {}), { name: 'ExecutionAlreadyExistsError' });
});

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { LAMBDA_INVOKE } from './asl/definition.js';
import type { PathScope } from './asl/intrinsics.js';
import { readPath } from './asl/jsonpath.js';
import { checkPayloadSize, evaluateTemplate } from './asl/payload.js';
import type { StateDef } from './asl/types.js';
import type { LambdaHandler, RunContext } from './context.js';
import { States, StatesError } from './errors.js';

/** `my-fn`, `arn:aws:lambda:r:a:function:my-fn[:alias]` and `a:function:my-fn` all name `my-fn`. */
export function functionNameOf(nameOrArn: string): string {
  const m = /(?:^|:)function:([^:]+)/.exec(nameOrArn);
  return m ? m[1]! : nameOrArn;
}

/** Runs a Task state's resource; the result is what ResultSelector/ResultPath see. */
export async function invokeTask(
  name: string,
  state: StateDef,
  effective: unknown,
  ctx: RunContext,
  scope: PathScope,
): Promise<unknown> {
  const params = state.Parameters !== undefined ? evaluateTemplate(state.Parameters, scope) : effective;
  const viaInvoke = state.Resource === LAMBDA_INVOKE;
  const p = params as Record<string, unknown>;
  const fnRef = viaInvoke ? p.FunctionName : state.Resource!;
  if (typeof fnRef !== 'string')
    throw new StatesError(States.Runtime, `state '${name}': FunctionName must be a string`);
  const fnName = functionNameOf(fnRef);
  const handler = ctx.services.lambdas[fnName];
  const payload = viaInvoke ? (p.Payload ?? {}) : params;
  checkPayloadSize(payload, `input to the Lambda function '${fnName}'`);
  const history = ctx.recordHistory ? ctx.top.history : undefined;
  history?.add('TaskScheduled', {
    resource: 'invoke',
    resourceType: 'lambda',
    region: ctx.services.region,
    parameters: JSON.stringify(params),
  });
  if (!handler) {
    const failure = new StatesError(
      'Lambda.ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${ctx.services.region}:${ctx.services.account}:function:${fnName}`,
    );
    history?.add('TaskFailed', { error: failure.error, cause: failure.cause });
    throw failure;
  }
  history?.add('TaskStarted', { resource: 'invoke', resourceType: 'lambda' });
  const timeoutSeconds = seconds(state, 'TimeoutSeconds', effective);
  const heartbeatSeconds = seconds(state, 'HeartbeatSeconds', effective);
  try {
    const response = await callWithTimeout(handler, payload, ctx, timeoutSeconds, heartbeatSeconds);
    const result = viaInvoke ? invokeOutput(response) : response;
    checkPayloadSize(result, `result of the Task state '${name}'`);
    history?.add('TaskSucceeded', { resource: 'invoke', resourceType: 'lambda', output: JSON.stringify(result) });
    return result;
  } catch (err) {
    const failure = err instanceof StatesError ? err : lambdaError(err);
    history?.add(failure.error === States.Timeout ? 'TaskTimedOut' : 'TaskFailed', {
      error: failure.error,
      cause: failure.cause,
    });
    throw failure;
  }
}

function seconds(state: StateDef, field: 'TimeoutSeconds' | 'HeartbeatSeconds', input: unknown): number | undefined {
  const path = state[`${field}Path`];
  if (path) {
    const v = readPath(input, path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new StatesError(States.Runtime, `${field}Path '${path}' must resolve to a positive integer`);
    }
    return v;
  }
  return state[field];
}

/** The lambda:invoke integration's output, as Step Functions returns it. */
function invokeOutput(payload: unknown): unknown {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: {
      AllHttpHeaders: { 'X-Amz-Executed-Version': ['$LATEST'], 'x-amzn-RequestId': [requestId] },
      HttpHeaders: { 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

const ENGINE_DIR = fileURLToPath(new URL('.', import.meta.url));

/** A thrown handler error as the Lambda service reports it: errorType names the error; the trace is the handler's. */
export function lambdaError(err: unknown): StatesError {
  const e = err instanceof Error ? err : new Error(String(err));
  const errorType = e.name || 'Error';
  const trace = (e.stack ?? `${errorType}: ${e.message}`).split('\n').filter((line) => !line.includes(ENGINE_DIR));
  return new StatesError(errorType, JSON.stringify({ errorMessage: e.message, errorType, trace }));
}

async function callWithTimeout(
  handler: LambdaHandler,
  payload: unknown,
  ctx: RunContext,
  timeoutSeconds: number | undefined,
  heartbeatSeconds: number | undefined,
): Promise<unknown> {
  // The payload crosses a serialization boundary on AWS; copying keeps handlers from sharing state with the engine.
  const call = Promise.resolve().then(() => handler(JSON.parse(JSON.stringify(payload))));
  const limits: { ms: number; error: string }[] = [];
  if (timeoutSeconds !== undefined) limits.push({ ms: timeoutSeconds * 1000, error: States.Timeout });
  // A local handler cannot send heartbeats, so a heartbeat interval bounds the whole call.
  if (heartbeatSeconds !== undefined) limits.push({ ms: heartbeatSeconds * 1000, error: States.HeartbeatTimeout });
  const first = limits.sort((a, b) => a.ms - b.ms)[0];
  const result = first === undefined ? call : raceTimer(call, first, ctx);
  return normalise(await result);
}

async function raceTimer(
  call: Promise<unknown>,
  limit: { ms: number; error: string },
  ctx: RunContext,
): Promise<unknown> {
  const timer = new AbortController();
  const onAbort = () => timer.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const expired = ctx.services.sleep(limit.ms, timer.signal).then(
    () => {
      throw new StatesError(
        limit.error,
        limit.error === States.Timeout ? 'Task timed out' : 'Task heartbeat timed out',
      );
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([call, expired]);
  } finally {
    timer.abort();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

function normalise(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

import { createHash, randomUUID } from 'node:crypto';
import type { PathScope } from '../asl/intrinsics.js';
import { readPath } from '../asl/jsonpath.js';
import { checkPayloadSize, evaluateTemplate, PAYLOAD_LIMIT_BYTES } from '../asl/payload.js';
import type { StateDef } from '../asl/types.js';
import type { RunContext } from '../context.js';
import { States, StatesError } from '../errors.js';
import { asStatesError, runMachine, selectItem } from '../interpreter.js';
import type { ChildRecord } from '../store/types.js';
import { batchItems } from './batcher.js';
import { readItems } from './item-reader.js';
import { MapRun } from './map-run.js';
import { ResultWriter, type ResultWriterTarget } from './result-writer.js';

interface ChildPlan {
  input: unknown;
  itemCount: number;
}

/** What the Map keeps of a finished child; its output only when there is no ResultWriter to hand it to. */
type Outcome = Pick<ChildRecord, 'status' | 'itemCount' | 'output' | 'error' | 'cause'>;

function outcomeOf(r: ChildRecord, withOutput: boolean): Outcome {
  const { status, itemCount, output, error, cause } = r;
  return withOutput ? { status, itemCount, output, error, cause } : { status, itemCount, error, cause };
}

/**
 * A Map state in DISTRIBUTED mode: one child execution per item (or per ItemBatcher batch), each holding a
 * slot of the shared pool; failures count against ToleratedFailurePercentage/Count; results go to the
 * ResultWriter. With a Map Run id from an earlier attempt (crash resume, redrive), finished children are
 * taken from the checkpoint store instead of running again.
 */
export async function runDistributedMap(
  name: string,
  state: StateDef,
  effective: unknown,
  ctx: RunContext,
  scope: PathScope,
): Promise<unknown> {
  const { services, top } = ctx;
  const processor = (state.ItemProcessor ?? state.Iterator)!;
  const executionType = processor.ProcessorConfig?.ExecutionType ?? 'STANDARD';
  const maxConcurrency = numberField(state, 'MaxConcurrency', effective, 0);
  const tolerance = {
    percentage: numberField(state, 'ToleratedFailurePercentage', effective, undefined),
    count: numberField(state, 'ToleratedFailureCount', effective, undefined),
  };
  if (tolerance.percentage !== undefined && (tolerance.percentage < 0 || tolerance.percentage > 100)) {
    throw new StatesError(
      States.Runtime,
      `ToleratedFailurePercentage must be between 0 and 100, got ${tolerance.percentage}`,
    );
  }

  const items = state.ItemReader
    ? await readItems(state.ItemReader, services.objects, scope)
    : readPath(effective, state.ItemsPath ?? '$');
  if (!Array.isArray(items))
    throw new StatesError(States.Runtime, `Map input at ItemsPath '${state.ItemsPath ?? '$'}' is not an array`);
  const selector = state.ItemSelector ?? (state.Parameters as Record<string, unknown> | undefined);
  const selected = selector ? items.map((item, i) => selectItem(selector, item, i, scope)) : items;
  const plans = planChildren(state, selected, effective, scope);

  const label = state.Label ?? name;
  const previousId = ctx.isTop ? top.mapRunId(name) : undefined;
  const mapRunId = previousId ?? randomUUID();
  const arnBase = `arn:aws:states:${services.region}:${services.account}`;
  const owner = ctx.isTop ? top.stateMachineName : ctx.stateMachine.Name;
  const mapRunArn = `${arnBase}:mapRun:${owner}/${label}:${mapRunId}`;
  const childStateMachineArn = `${arnBase}:stateMachine:${owner}/${label}`;
  const run = new MapRun(
    mapRunArn,
    ctx.execution.Id,
    services.now(),
    maxConcurrency,
    tolerance.percentage ?? 0,
    tolerance.count ?? 0,
    executionType,
  );
  run.plan(plans.map((p) => p.itemCount));
  await top.registerMapRun(name, run);
  const history = ctx.recordHistory ? top.history : undefined;
  history?.add(previousId ? 'MapRunRedriven' : 'MapRunStarted', { mapRunArn });

  // Children are written to the ResultWriter as they finish, so the Map never holds every child's output.
  const target = state.ResultWriter ? resultWriterTarget(state.ResultWriter.Parameters, scope) : undefined;
  const writer =
    target && !('error' in target)
      ? new ResultWriter(services.objects, target, mapRunArn, childStateMachineArn)
      : undefined;
  const records: (Outcome | undefined)[] = new Array(plans.length);
  const settle = (rec: ChildRecord): Promise<void> | undefined => {
    records[rec.index] = outcomeOf(rec, !state.ResultWriter);
    return writer?.add(rec);
  };
  let failedItems = 0;
  const totalItems = run.itemCounts.total;
  if (previousId) {
    for (const [index, rec] of await top.loadChildren(mapRunId)) {
      if (index >= plans.length || (rec.status !== 'SUCCEEDED' && top.redriving)) continue;
      await settle(rec);
      run.move(rec.itemCount, 'pending', bucketOf(rec.status));
      if (rec.status !== 'SUCCEEDED') failedItems += rec.itemCount;
    }
  }
  const exceeded = () => {
    if (failedItems === 0) return false;
    if (tolerance.percentage === undefined && tolerance.count === undefined) return true;
    if (tolerance.count !== undefined && failedItems > tolerance.count) return true;
    return tolerance.percentage !== undefined && (failedItems * 100) / totalItems > tolerance.percentage;
  };

  const runAbort = new AbortController();
  const onStop = () => runAbort.abort();
  ctx.signal.addEventListener('abort', onStop, { once: true });
  const lane = services.scheduler.lane(maxConcurrency);
  let failure: StatesError | undefined = exceeded() ? thresholdError() : undefined;

  const runChild = async (index: number): Promise<void> => {
    const plan = plans[index]!;
    const childName = childNameOf(mapRunId, index);
    const executionArn =
      executionType === 'EXPRESS'
        ? `${arnBase}:express:${owner}/${label}:${mapRunId}:${childName}`
        : `${arnBase}:execution:${owner}/${label}:${childName}`;
    const startDate = services.now();
    run.move(plan.itemCount, 'pending', 'running');
    const childAbort = new AbortController();
    const onRunAbort = () => childAbort.abort();
    runAbort.signal.addEventListener('abort', onRunAbort, { once: true });
    const childCtx: RunContext = {
      services,
      execution: {
        Id: executionArn,
        Input: plan.input,
        Name: childName,
        RoleArn: ctx.execution.RoleArn,
        StartTime: startDate.toISOString(),
        RedriveCount: 0,
      },
      stateMachine: { Id: childStateMachineArn, Name: `${owner}/${label}` },
      signal: childAbort.signal,
      top,
      isTop: false,
      recordHistory: false,
    };
    const input = JSON.stringify(plan.input);
    let record: ChildRecord;
    const base = {
      index,
      name: childName,
      executionArn,
      input,
      itemCount: plan.itemCount,
      startDate: startDate.toISOString(),
    };
    try {
      checkPayloadSize(plan.input, `input of child execution ${index}`);
      const running = runMachine(processor, plan.input, childCtx);
      const output = await (executionType === 'EXPRESS' ? expressDeadline(running, childAbort, services) : running);
      record = { ...base, status: 'SUCCEEDED', output: JSON.stringify(output), stopDate: services.now().toISOString() };
    } catch (err) {
      const f = asStatesError(err);
      const status =
        f === EXPRESS_TIMEOUT
          ? 'TIMED_OUT'
          : runAbort.signal.aborted && f.error === States.Aborted
            ? 'ABORTED'
            : 'FAILED';
      record = { ...base, status, error: f.error, stopDate: services.now().toISOString() };
      if (f.cause !== undefined) record.cause = f.cause;
    }
    runAbort.signal.removeEventListener('abort', onRunAbort);
    run.move(plan.itemCount, 'running', bucketOf(record.status));
    if (record.status === 'ABORTED') {
      await settle(record);
      return;
    }
    await top.saveChild(mapRunId, record);
    await settle(record);
    if (record.status !== 'SUCCEEDED') {
      failedItems += plan.itemCount;
      if (!failure && exceeded()) {
        failure = thresholdError();
        runAbort.abort();
        lane.cancelQueued(failure);
      }
    }
  };

  if (!failure) {
    const pending = plans.map((_, i) => i).filter((i) => records[i] === undefined);
    await Promise.all(pending.map((i) => lane.submit(() => runChild(i)).catch(() => undefined)));
  }
  lane.close();
  ctx.signal.removeEventListener('abort', onStop);

  const finished = records.filter((r): r is Outcome => r !== undefined);
  if (ctx.signal.aborted) {
    run.finish('ABORTED', services.now());
    history?.add('MapRunAborted', { mapRunArn });
    await top.registerMapRun(name, run);
    throw new StatesError(States.Aborted, 'execution stopped');
  }

  let output: unknown;
  if (target) {
    if ('error' in target) throw target.error;
    const key = await writer!.finish([]);
    for (const r of finished) {
      run.itemCounts.resultsWritten += r.itemCount;
      run.executionCounts.resultsWritten += 1;
    }
    output = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: target.bucket, Key: key } };
  } else {
    output = records.map((r) =>
      r?.status === 'SUCCEEDED' ? JSON.parse(r.output!) : { Error: r?.error ?? States.Aborted, Cause: r?.cause },
    );
  }
  run.finish(failure ? 'FAILED' : 'SUCCEEDED', services.now());
  history?.add(
    failure ? 'MapRunFailed' : 'MapRunSucceeded',
    failure ? { mapRunArn, error: failure.error, cause: failure.cause } : { mapRunArn },
  );
  await top.registerMapRun(name, run);
  if (failure) throw failure;
  return output;
}

/**
 * The ResultWriter's bucket and prefix, evaluated before the children run (they are written as they finish); an
 * error is kept, and raised where Step Functions raises it: once the children have run.
 */
function resultWriterTarget(parameters: unknown, scope: PathScope): ResultWriterTarget | { error: unknown } {
  try {
    const params = evaluateTemplate(parameters, scope) as { Bucket?: unknown; Prefix?: unknown };
    if (typeof params.Bucket !== 'string')
      throw new StatesError(States.ResultWriterFailed, 'ResultWriter Parameters.Bucket must be a string');
    return { bucket: params.Bucket, prefix: typeof params.Prefix === 'string' ? params.Prefix : '' };
  } catch (error) {
    return { error };
  }
}

/** An EXPRESS execution lives at most five minutes; then it is TIMED_OUT (and its work is abandoned). */
const EXPRESS_MAX_MS = 5 * 60 * 1000;
const EXPRESS_TIMEOUT = new StatesError(
  States.Timeout,
  'The execution exceeded the EXPRESS maximum duration of 300 seconds',
);

async function expressDeadline(
  running: Promise<unknown>,
  childAbort: AbortController,
  services: RunContext['services'],
): Promise<unknown> {
  const timer = new AbortController();
  const expired = services.sleep(EXPRESS_MAX_MS, timer.signal).then(
    () => {
      childAbort.abort();
      throw EXPRESS_TIMEOUT;
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([running, expired]);
  } finally {
    timer.abort();
  }
}

function thresholdError(): StatesError {
  return new StatesError(
    States.ExceedToleratedFailureThreshold,
    'The specified tolerated failure threshold was exceeded',
  );
}

function bucketOf(status: ChildRecord['status']): 'succeeded' | 'failed' | 'timedOut' | 'aborted' {
  return status === 'SUCCEEDED'
    ? 'succeeded'
    : status === 'TIMED_OUT'
      ? 'timedOut'
      : status === 'ABORTED'
        ? 'aborted'
        : 'failed';
}

/** Child names are derived from the Map Run id and index, so a resumed run names its children the same. */
function childNameOf(mapRunId: string, index: number): string {
  const h = createHash('sha1').update(`${mapRunId}:${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

type NumberField = 'MaxConcurrency' | 'ToleratedFailurePercentage' | 'ToleratedFailureCount';

function numberField<T extends number | undefined>(
  state: StateDef,
  field: NumberField,
  input: unknown,
  fallback: T,
): number | T {
  const path = state[`${field}Path`];
  const value = path ? readPath(input, path) : state[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || value < 0)
    throw new StatesError(States.Runtime, `${field} must be a non-negative number, got ${JSON.stringify(value)}`);
  return value;
}

function planChildren(state: StateDef, selected: unknown[], effective: unknown, scope: PathScope): ChildPlan[] {
  const batcher = state.ItemBatcher;
  if (!batcher) return selected.map((input) => ({ input, itemCount: 1 }));
  const read = (fixed: number | undefined, path: string | undefined, field: string): number | undefined => {
    const v = path ? readPath(effective, path) : fixed;
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new StatesError(
        States.Runtime,
        `ItemBatcher.${field} must be a positive integer, got ${JSON.stringify(v)}`,
      );
    }
    return v;
  };
  const maxItems =
    read(batcher.MaxItemsPerBatch, batcher.MaxItemsPerBatchPath, 'MaxItemsPerBatch') ?? Number.POSITIVE_INFINITY;
  const maxBytes = Math.min(
    read(batcher.MaxInputBytesPerBatch, batcher.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatch') ??
      PAYLOAD_LIMIT_BYTES,
    PAYLOAD_LIMIT_BYTES,
  );
  const batchInput = batcher.BatchInput ? evaluateTemplate(batcher.BatchInput, scope) : undefined;
  return batchItems(selected, { maxItems, maxBytes }, batchInput).map((Items) => ({
    input: batchInput === undefined ? { Items } : { BatchInput: batchInput, Items },
    itemCount: Items.length,
  }));
}

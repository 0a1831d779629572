import { chooseNext } from './asl/choice.js';
import { evaluateExpression, type PathScope } from './asl/intrinsics.js';
import { readPath } from './asl/jsonpath.js';
import { applyResultPath, checkPayloadSize, evaluateTemplate, selectPath } from './asl/payload.js';
import { errorMatches, retryDelayMs } from './asl/retry.js';
import type { StateDef, StateMachineDef } from './asl/types.js';
import type { RunContext } from './context.js';
import { States, StatesError } from './errors.js';
import { runDistributedMap } from './map/distributed.js';
import { invokeTask } from './task.js';

/** Extra context-object fields of an iteration (`$$.Map.Item`). */
export type ContextExtras = Record<string, unknown>;

/** Runs a state machine (or a Map/Parallel branch) from `startAt` to a terminal state; returns its output. */
export async function runMachine(
  def: StateMachineDef,
  input: unknown,
  ctx: RunContext,
  startAt: string = def.StartAt,
  extras: ContextExtras = {},
): Promise<unknown> {
  let name = startAt;
  let data = input;
  for (;;) {
    if (ctx.signal.aborted) throw new StatesError(States.Aborted, 'execution stopped');
    const state = def.States[name]!;
    if (ctx.isTop) await ctx.top.enter(name, data);
    const { output, next } = await runState(name, state, data, ctx, extras);
    if (next === undefined) return output;
    name = next;
    data = output;
  }
}

interface StepResult {
  output: unknown;
  next: string | undefined;
}

function contextObject(ctx: RunContext, name: string, entered: string, retryCount: number, extras: ContextExtras) {
  return {
    Execution: ctx.execution,
    StateMachine: ctx.stateMachine,
    State: { Name: name, EnteredTime: entered, RetryCount: retryCount },
    ...extras,
  };
}

async function runState(
  name: string,
  state: StateDef,
  input: unknown,
  ctx: RunContext,
  extras: ContextExtras,
): Promise<StepResult> {
  const entered = ctx.services.now().toISOString();
  const history = ctx.recordHistory ? ctx.top.history : undefined;
  history?.add(`${state.Type}StateEntered`, { name, input: JSON.stringify(input) });
  const next = state.End ? undefined : state.Next;
  const scopeFor = (data: unknown, retry = 0): PathScope => ({
    input: data,
    context: contextObject(ctx, name, entered, retry, extras),
  });
  const exited = (output: unknown, to: string | undefined): StepResult => {
    checkPayloadSize(output, `output of state '${name}'`);
    history?.add(`${state.Type}StateExited`, { name, output: JSON.stringify(output) });
    return { output, next: to };
  };

  switch (state.Type) {
    case 'Pass': {
      const effective = selectPath(input, state.InputPath);
      const result =
        state.Result !== undefined
          ? state.Result
          : state.Parameters !== undefined
            ? evaluateTemplate(state.Parameters, scopeFor(effective))
            : effective;
      return exited(selectPath(applyResultPath(input, result, state.ResultPath), state.OutputPath), next);
    }
    case 'Choice': {
      const effective = selectPath(input, state.InputPath);
      const to = chooseNext(state.Choices!, state.Default, scopeFor(effective));
      return exited(selectPath(effective, state.OutputPath), to);
    }
    case 'Wait': {
      const effective = selectPath(input, state.InputPath);
      await ctx.services.sleep(waitMs(state, effective, ctx), ctx.signal);
      return exited(selectPath(effective, state.OutputPath), next);
    }
    case 'Succeed':
      return exited(selectPath(selectPath(input, state.InputPath), state.OutputPath), undefined);
    case 'Fail': {
      const error = state.ErrorPath ? evaluateExpression(state.ErrorPath, scopeFor(input)) : state.Error;
      const cause = state.CausePath ? evaluateExpression(state.CausePath, scopeFor(input)) : state.Cause;
      throw new StatesError(
        typeof error === 'string' ? error : 'States.Failed',
        typeof cause === 'string' ? cause : undefined,
      );
    }
    default:
      return runWithRetry(name, state, input, ctx, extras, scopeFor, exited, next);
  }
}

async function runWithRetry(
  name: string,
  state: StateDef,
  input: unknown,
  ctx: RunContext,
  extras: ContextExtras,
  scopeFor: (data: unknown, retry?: number) => PathScope,
  exited: (output: unknown, to: string | undefined) => StepResult,
  next: string | undefined,
): Promise<StepResult> {
  const attempts = (state.Retry ?? []).map(() => 0);
  let retryCount = 0;
  for (;;) {
    try {
      const effective = selectPath(input, state.InputPath);
      const result = await executeWork(name, state, effective, ctx, scopeFor(effective, retryCount), extras);
      const selected = state.ResultSelector
        ? evaluateTemplate(state.ResultSelector, { input: result, context: scopeFor(effective, retryCount).context })
        : result;
      return exited(selectPath(applyResultPath(input, selected, state.ResultPath), state.OutputPath), next);
    } catch (err) {
      const failure = asStatesError(err);
      if (failure.error === States.Aborted || ctx.signal.aborted) throw failure;
      const idx = (state.Retry ?? []).findIndex((r) => errorMatches(r.ErrorEquals, failure.error));
      const retrier = idx >= 0 ? state.Retry![idx]! : undefined;
      const delay = retrier ? retryDelayMs(retrier, attempts[idx]!, ctx.services.random) : undefined;
      if (retrier && delay !== undefined) {
        attempts[idx]!++;
        retryCount++;
        await ctx.services.sleep(delay, ctx.signal);
        continue;
      }
      const catcher = (state.Catch ?? []).find((c) => errorMatches(c.ErrorEquals, failure.error));
      if (!catcher) throw failure;
      const errorOutput =
        failure.cause === undefined ? { Error: failure.error } : { Error: failure.error, Cause: failure.cause };
      if (ctx.isTop) ctx.top.caught(name, input);
      // A caught failure has no StateExited event in Step Functions: that is what makes the state redrivable.
      const output = applyResultPath(input, errorOutput, catcher.ResultPath);
      checkPayloadSize(output, `output of state '${name}'`);
      return { output, next: catcher.Next };
    }
  }
}

function executeWork(
  name: string,
  state: StateDef,
  effective: unknown,
  ctx: RunContext,
  scope: PathScope,
  extras: ContextExtras,
): Promise<unknown> {
  switch (state.Type) {
    case 'Task':
      return invokeTask(name, state, effective, ctx, scope);
    case 'Parallel':
      return runParallel(
        state,
        state.Parameters !== undefined ? evaluateTemplate(state.Parameters, scope) : effective,
        ctx,
      );
    case 'Map': {
      const processor = (state.ItemProcessor ?? state.Iterator)!;
      if (processor.ProcessorConfig?.Mode === 'DISTRIBUTED')
        return runDistributedMap(name, state, effective, ctx, scope);
      return runInlineMap(state, effective, ctx, scope, extras);
    }
    default:
      throw new StatesError(States.Runtime, `state type ${state.Type} has no work`);
  }
}

async function runParallel(state: StateDef, input: unknown, ctx: RunContext): Promise<unknown> {
  const child = { ...ctx, isTop: false };
  try {
    return await Promise.all(state.Branches!.map((b) => runMachine(b, input, child)));
  } catch (err) {
    throw asStatesError(err);
  }
}

/** Applies ItemSelector (or the legacy Parameters) to one item with `$$.Map.Item` in the context. */
export function selectItem(
  selector: Record<string, unknown> | undefined,
  item: unknown,
  index: number,
  scope: PathScope,
): unknown {
  if (!selector) return item;
  const context = { ...(scope.context as object), Map: { Item: { Index: index, Value: item } } };
  return evaluateTemplate(selector, { input: scope.input, context });
}

async function runInlineMap(
  state: StateDef,
  effective: unknown,
  ctx: RunContext,
  scope: PathScope,
  extras: ContextExtras,
): Promise<unknown[]> {
  const items = state.ItemsPath ? readPath(effective, state.ItemsPath) : effective;
  if (!Array.isArray(items)) {
    throw new StatesError(States.Runtime, `Map state input at ItemsPath '${state.ItemsPath ?? '$'}' is not an array`);
  }
  const selector = state.ItemSelector ?? (state.Parameters as Record<string, unknown> | undefined);
  const limitValue = state.MaxConcurrencyPath ? readPath(effective, state.MaxConcurrencyPath) : state.MaxConcurrency;
  const limit = typeof limitValue === 'number' && limitValue > 0 ? limitValue : items.length || 1;
  const processor = (state.ItemProcessor ?? state.Iterator)!;
  const results = new Array<unknown>(items.length);
  const child: RunContext = { ...ctx, isTop: false };
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      const itemInput = selectItem(selector, items[i], i, scope);
      results[i] = await runMachine(processor, itemInput, child, processor.StartAt, {
        ...extras,
        Map: { Item: { Index: i, Value: items[i] } },
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } catch (err) {
    throw asStatesError(err);
  }
  return results;
}

export function asStatesError(err: unknown): StatesError {
  if (err instanceof StatesError) return err;
  return new StatesError(States.Runtime, err instanceof Error ? err.message : String(err));
}

function waitMs(state: StateDef, input: unknown, ctx: RunContext): number {
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.SecondsPath) {
    const v = readPath(input, state.SecondsPath);
    if (typeof v !== 'number' || v < 0)
      throw new StatesError(States.Runtime, `SecondsPath '${state.SecondsPath}' is not a non-negative number`);
    return v * 1000;
  }
  const ts = state.Timestamp ?? readPath(input, state.TimestampPath!);
  const at = typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
  if (Number.isNaN(at)) throw new StatesError(States.Runtime, `invalid timestamp ${JSON.stringify(ts)}`);
  return Math.max(0, at - ctx.services.now().getTime());
}

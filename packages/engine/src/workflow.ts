import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecutionDescription, HistoryEvent, MapRunDescription, ObjectStore, Workflow } from '@platescale/shared';
import { ValidationError } from '@platescale/shared';
import { loadDefinition } from './asl/definition.js';
import type { StateMachineDef } from './asl/types.js';
import type { LambdaHandler, RunContext, Services, TopLevel } from './context.js';
import { ExecutionAlreadyExistsError, ExecutionNotFoundError, ExecutionNotRedrivableError, States } from './errors.js';
import { History } from './history.js';
import { asStatesError, runMachine } from './interpreter.js';
import type { MapRun } from './map/map-run.js';
import { FairScheduler } from './scheduler.js';
import { createMemoryCheckpointStore } from './store/memory.js';
import type { CheckpointStore, ExecutionRecord } from './store/types.js';

export interface LocalWorkflowOptions {
  /** The ASL definition: a parsed object, JSON/YAML text, or a path to a .json/.yaml file. */
  definition: unknown;
  /** Values for the definition's `${Name}` placeholders (as CDK's DefinitionSubstitutions). */
  substitutions?: Record<string, string>;
  /** Local Lambdas by function NAME; `FunctionName` may be a name or an ARN (its `function:` segment is used). */
  lambdas: Record<string, LambdaHandler>;
  /** ItemReader / ResultWriter buckets resolve through `objects.withBucket(bucket)`. */
  objects: ObjectStore;
  /** Concurrent child executions across all executions; also what MaxConcurrency 0 means. Default: cores. */
  poolSize?: number;
  /** Share one pool between several workflows (overrides poolSize). */
  scheduler?: FairScheduler;
  /** Waits, retry back-off and Task timeouts go through this (tests compress time with it). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => Date;
  /** Jitter source for JitterStrategy FULL (tests pin it). */
  random?: () => number;
  stateMachineArn?: string;
  region?: string;
  account?: string;
  /** Where executions and child results are checkpointed (default: in memory, nothing survives a restart). */
  checkpoints?: CheckpointStore;
  /** Called when checkpointing fails inside a running execution (the execution goes on). */
  onError?: (err: unknown) => void;
}

export interface LocalWorkflow extends Workflow {
  readonly stateMachineArn: string;
  readonly definition: StateMachineDef;
  readonly scheduler: FairScheduler;
  /** Continues every RUNNING execution of this state machine found in the checkpoint store. */
  resumeAll(): Promise<string[]>;
  /** Resolves with the description once the execution is no longer RUNNING. */
  wait(executionArn: string): Promise<ExecutionDescription>;
  /** Stops driving executions without recording an end, so that a later resumeAll() continues them. */
  close(): Promise<void>;
}

interface Live {
  record: ExecutionRecord;
  history: History;
  mapRuns: MapRun[];
  abort: AbortController;
  done: Promise<void>;
  redriving: boolean;
}

/** StartExecution's name rule: 1-80 characters, no whitespace, brackets, wildcards, punctuation or controls. */
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;

export function createLocalWorkflow(opts: LocalWorkflowOptions): LocalWorkflow {
  const definition = loadDefinition(opts.definition, { substitutions: opts.substitutions ?? {} });
  const region = opts.region ?? 'us-east-1';
  const account = opts.account ?? '000000000000';
  const stateMachineArn =
    opts.stateMachineArn ?? `arn:aws:states:${region}:${account}:stateMachine:platescale-analysis`;
  const stateMachineName = stateMachineArn.slice(stateMachineArn.lastIndexOf(':') + 1);
  const scheduler = opts.scheduler ?? new FairScheduler(opts.poolSize ?? availableParallelism());
  const store = opts.checkpoints ?? createMemoryCheckpointStore();
  const onError = opts.onError ?? ((err: unknown) => process.emitWarning(`engine checkpoint failed: ${String(err)}`));
  const services: Services = {
    lambdas: opts.lambdas,
    objects: opts.objects,
    scheduler,
    sleep: opts.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {})),
    now: opts.now ?? (() => new Date()),
    random: opts.random ?? Math.random,
    region,
    account,
  };
  const live = new Map<string, Live>();
  let closing = false;

  const save = (exec: Live) => store.saveExecution(exec.record);

  function topLevel(exec: Live): TopLevel {
    return {
      stateMachineName,
      history: exec.history,
      get redriving() {
        return exec.redriving;
      },
      async enter(state, input) {
        exec.record.position = { state, input };
        await save(exec);
      },
      caught(state, input) {
        exec.record.caught = { state, input };
      },
      mapRunId(state) {
        // Continue a Map Run that never ended (crash) or that a redrive reopens; a Retry starts a new one.
        const id = exec.record.mapRuns[state];
        if (!id) return undefined;
        const last = exec.record.mapRunSnapshots.find((m) => m.mapRunArn.endsWith(`:${id}`));
        return exec.redriving || !last || last.status === 'RUNNING' ? id : undefined;
      },
      async registerMapRun(state, run) {
        if (!exec.mapRuns.includes(run)) {
          exec.mapRuns = exec.mapRuns.filter((r) => r.mapRunArn !== run.mapRunArn);
          exec.mapRuns.unshift(run);
        }
        exec.record.mapRuns[state] = run.mapRunArn.slice(run.mapRunArn.lastIndexOf(':') + 1);
        exec.record.mapRunSnapshots = exec.mapRuns.map((r) => r.describe());
        await save(exec);
      },
      loadChildren: (mapRunId) => store.loadChildren(exec.record.executionArn, mapRunId),
      saveChild: (mapRunId, record) => store.saveChild(exec.record.executionArn, mapRunId, record),
    };
  }

  function drive(exec: Live, startAt: string, input: unknown): void {
    const r = exec.record;
    const ctx: RunContext = {
      services,
      execution: {
        Id: r.executionArn,
        Input: r.input,
        Name: r.name,
        RoleArn: `arn:aws:iam::${account}:role/platescale-local-engine`,
        StartTime: r.startDate,
        RedriveCount: r.redriveCount,
        ...(r.redriveDate ? { RedriveTime: r.redriveDate } : {}),
      },
      stateMachine: { Id: stateMachineArn, Name: stateMachineName },
      signal: exec.abort.signal,
      top: topLevel(exec),
      isTop: true,
      recordHistory: true,
    };
    exec.done = runMachine(definition, input, ctx, startAt).then(
      async (output) => {
        if (closing || exec.abort.signal.aborted) return;
        Object.assign(r, { status: 'SUCCEEDED', output, position: null, stopDate: services.now().toISOString() });
        exec.history.add('ExecutionSucceeded', { output: JSON.stringify(output) });
        await save(exec).catch(onError);
      },
      async (err: unknown) => {
        if (closing || exec.abort.signal.aborted) return;
        const f = asStatesError(err);
        Object.assign(r, { status: 'FAILED', error: f.error, cause: f.cause, stopDate: services.now().toISOString() });
        exec.history.add('ExecutionFailed', { error: f.error, cause: f.cause });
        await save(exec).catch(onError);
      },
    );
  }

  function newLive(record: ExecutionRecord): Live {
    const exec: Live = {
      record,
      history: new History(services.now),
      mapRuns: [],
      abort: new AbortController(),
      done: Promise.resolve(),
      redriving: record.redriveCount > 0,
    };
    live.set(record.executionArn, exec);
    return exec;
  }

  async function find(arn: string): Promise<Live> {
    const hit = live.get(arn);
    if (hit) return hit;
    const record = await store.loadExecution(arn);
    if (!record || record.stateMachineArn !== stateMachineArn) throw new ExecutionNotFoundError(arn);
    return newLive(record);
  }

  const workflow: LocalWorkflow = {
    stateMachineArn,
    definition,
    scheduler,

    async start(name, input) {
      if (!NAME.test(name)) throw new ValidationError(`invalid execution name '${name}'`, 'name');
      const executionArn = `arn:aws:states:${region}:${account}:execution:${stateMachineName}:${name}`;
      if (live.has(executionArn) || (await store.loadExecution(executionArn))) {
        throw new ExecutionAlreadyExistsError(executionArn);
      }
      const startDate = services.now();
      const exec = newLive({
        executionArn,
        stateMachineArn,
        name,
        status: 'RUNNING',
        input: JSON.parse(JSON.stringify(input ?? {})),
        startDate: startDate.toISOString(),
        redriveCount: 0,
        position: { state: definition.StartAt, input },
        mapRuns: {},
        mapRunSnapshots: [],
      });
      exec.history.add('ExecutionStarted', {
        input: JSON.stringify(input),
        roleArn: `arn:aws:iam::${account}:role/platescale-local-engine`,
      });
      await save(exec);
      drive(exec, definition.StartAt, exec.record.input);
      return { executionArn, startDate };
    },

    async describe(executionArn) {
      return describeRecord((await find(executionArn)).record);
    },

    async mapRuns(executionArn) {
      const exec = await find(executionArn);
      if (exec.mapRuns.length > 0) return exec.mapRuns.map((r) => r.describe());
      return exec.record.mapRunSnapshots.map(reviveMapRun);
    },

    async history(executionArn) {
      return (await find(executionArn)).history.list() as HistoryEvent[];
    },

    async stop(executionArn, stopOpts = {}) {
      const exec = await find(executionArn);
      if (exec.record.status !== 'RUNNING') return;
      exec.abort.abort();
      Object.assign(exec.record, {
        status: 'ABORTED',
        stopDate: services.now().toISOString(),
        error: stopOpts.error,
        cause: stopOpts.cause,
      });
      exec.history.add('ExecutionAborted', { error: stopOpts.error, cause: stopOpts.cause });
      await save(exec);
    },

    async redrive(executionArn) {
      const exec = await find(executionArn);
      const r = exec.record;
      if (r.status === 'RUNNING' || r.status === 'SUCCEEDED') {
        throw new ExecutionNotRedrivableError(executionArn, `Execution is ${r.status} and cannot be redriven`);
      }
      const from = r.caught ?? r.position;
      if (!from) throw new ExecutionNotRedrivableError(executionArn, 'no unsuccessful state to redrive from');
      await exec.done;
      exec.abort = new AbortController();
      exec.redriving = true;
      const now = services.now().toISOString();
      Object.assign(r, { status: 'RUNNING', redriveCount: r.redriveCount + 1, redriveDate: now });
      for (const k of ['stopDate', 'error', 'cause', 'output', 'caught'] as const) delete r[k];
      exec.history.add('ExecutionRedriven', { redriveCount: r.redriveCount });
      await save(exec);
      drive(exec, from.state, from.input);
    },

    async resumeAll() {
      const resumed: string[] = [];
      for (const record of await store.listRunning(stateMachineArn)) {
        if (live.has(record.executionArn)) continue;
        const exec = newLive(record);
        if (!record.position) {
          Object.assign(record, { status: 'FAILED', error: States.Runtime, cause: 'no resume point was checkpointed' });
          await save(exec);
          continue;
        }
        drive(exec, record.position.state, record.position.input);
        resumed.push(record.executionArn);
      }
      return resumed;
    },

    async wait(executionArn) {
      const exec = await find(executionArn);
      for (;;) {
        const done = exec.done;
        await done;
        if (exec.done === done) return describeRecord(exec.record);
      }
    },

    async close() {
      closing = true;
      for (const exec of live.values()) exec.abort.abort();
      await Promise.all([...live.values()].map((e) => e.done.catch(() => undefined)));
    },
  };
  return workflow;
}

function describeRecord(r: ExecutionRecord): ExecutionDescription {
  const d: ExecutionDescription = {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: new Date(r.startDate),
    input: r.input,
    redriveCount: r.redriveCount,
  };
  if (r.stopDate) d.stopDate = new Date(r.stopDate);
  if (r.output !== undefined) d.output = r.output;
  if (r.error !== undefined) d.error = r.error;
  if (r.cause !== undefined) d.cause = r.cause;
  return d;
}

function reviveMapRun(m: MapRunDescription): MapRunDescription {
  const d = { ...m, startDate: new Date(m.startDate) };
  if (m.stopDate) d.stopDate = new Date(m.stopDate);
  return d;
}

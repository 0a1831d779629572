import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
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
import type { CheckpointStore, ExecutionRecord, Lease } from './store/types.js';

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
  /**
   * How long this process holds an execution it drives without renewing (default 15 s). It renews every third of
   * that and adopts, at the same pace, RUNNING executions whose holder stopped renewing: processes sharing a
   * checkpoint database run each execution once, and the survivors take over a killed process's executions.
   */
  leaseMs?: number;
  /** This process's name on its leases (default `<host>/<pid>/<random>`; see `isDeadOwner`). */
  owner?: string;
}

export interface LocalWorkflow extends Workflow {
  readonly stateMachineArn: string;
  readonly definition: StateMachineDef;
  readonly scheduler: FairScheduler;
  /**
   * Continues every RUNNING execution of this state machine that no live process holds, and from then on keeps
   * adopting those whose holder stops renewing its lease.
   */
  resumeAll(): Promise<string[]>;
  /** Resolves with the description once the execution is no longer RUNNING. */
  wait(executionArn: string): Promise<ExecutionDescription>;
  /** Stops driving executions without recording an end and lets go of their leases, so that another process (or a
   * later resumeAll()) continues them. */
  close(): Promise<void>;
}

interface Live {
  record: ExecutionRecord;
  history: History;
  mapRuns: MapRun[];
  abort: AbortController;
  done: Promise<void>;
  redriving: boolean;
  /** This process runs it (and holds its lease); otherwise the record is a read of the store, refreshed on use. */
  driving: boolean;
}

const DEFAULT_LEASE_MS = 15_000;

/**
 * A lease owner of this host whose process is gone: `<host>/<pid>/<nonce>` with a pid that no longer exists, or
 * with this very pid but another nonce (this process's previous life, e.g. pid 1 of a restarted container). Such
 * executions are adopted at once instead of after the lease expires.
 */
export function isDeadOwner(owner: string, self: string): boolean {
  const [host, pid, nonce] = owner.split('/');
  const [myHost, myPid, myNonce] = self.split('/');
  if (host !== myHost || !pid || !nonce) return false;
  if (pid === myPid) return nonce !== myNonce;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
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
  const owner = opts.owner ?? `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  const lease: Lease = { owner, ttlMs: opts.leaseMs ?? DEFAULT_LEASE_MS };
  let renewal: NodeJS.Timeout | undefined;
  let adopting = false;

  /** Another process adopted or stopped the execution: stop driving it here without recording anything. */
  function lose(exec: Live): void {
    exec.driving = false;
    exec.abort.abort();
  }

  /** Map Run counters go into the checkpoint, for describe in other processes and after a restart. */
  function snapshot(exec: Live): void {
    if (exec.mapRuns.length > 0) exec.record.mapRunSnapshots = exec.mapRuns.map((r) => r.describe());
  }

  /** Checkpoints an execution this process drives; a fenced-off write means the execution is no longer ours. */
  async function save(exec: Live): Promise<void> {
    if (!(await store.saveExecution(exec.record, lease))) lose(exec);
  }

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
    exec.driving = true;
    startBeating();
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
        snapshot(exec);
        await save(exec).catch(onError);
        exec.driving = false;
      },
      async (err: unknown) => {
        if (closing || exec.abort.signal.aborted) return;
        const f = asStatesError(err);
        Object.assign(r, { status: 'FAILED', error: f.error, cause: f.cause, stopDate: services.now().toISOString() });
        exec.history.add('ExecutionFailed', { error: f.error, cause: f.cause });
        snapshot(exec);
        await save(exec).catch(onError);
        exec.driving = false;
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
      driving: false,
    };
    live.set(record.executionArn, exec);
    return exec;
  }

  /** The execution as this process drives it, or as the store has it now (another process may drive it). */
  async function find(arn: string): Promise<Live> {
    const hit = live.get(arn);
    if (hit?.driving) return hit;
    const record = await store.loadExecution(arn);
    if (!record || record.stateMachineArn !== stateMachineArn) throw new ExecutionNotFoundError(arn);
    if (!hit) return newLive(record);
    // Live Map Run counters from an earlier drive here describe this record only while nobody changed it since.
    if (record.status !== hit.record.status || record.redriveCount !== hit.record.redriveCount) hit.mapRuns = [];
    hit.record = record;
    return hit;
  }

  /** Drives the executions this process just claimed. */
  function adopt(records: ExecutionRecord[]): Promise<string[]> {
    return Promise.all(
      records.map(async (record) => {
        // Our own lease ran out (a long pause) and nobody took it: the claim renewed it, we drive it already.
        if (live.get(record.executionArn)?.driving) return [];
        const exec = live.get(record.executionArn) ?? newLive(record);
        await exec.done;
        exec.record = record;
        exec.abort = new AbortController();
        if (!record.position) {
          Object.assign(record, { status: 'FAILED', error: States.Runtime, cause: 'no resume point was checkpointed' });
          await save(exec);
          return [];
        }
        drive(exec, record.position.state, record.position.input);
        return [record.executionArn];
      }),
    ).then((arns) => arns.flat());
  }

  /** One beat: renew what this process drives (with fresh Map Run counters for other processes), adopt orphans. */
  async function beat(): Promise<void> {
    for (const exec of live.values()) {
      if (!exec.driving || exec.record.status !== 'RUNNING') continue;
      snapshot(exec);
      await save(exec);
    }
    if (adopting && !closing) await adopt(await claim());
  }

  const claim = () => store.claimRunning(stateMachineArn, lease, (o) => isDeadOwner(o, owner));

  /** Leases are renewed from the first execution this process drives; orphans are adopted after resumeAll(). */
  function startBeating(): void {
    if (renewal || closing) return;
    let beating = false;
    renewal = setInterval(() => {
      if (beating) return;
      beating = true;
      beat()
        .catch(onError)
        .finally(() => {
          beating = false;
        });
    }, lease.ttlMs / 3);
    renewal.unref();
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
      // Live counters while this process drives it, or once it ended here; a checkpoint's while another drives it.
      const here = exec.driving || exec.record.status !== 'RUNNING';
      if (exec.mapRuns.length > 0 && here) return exec.mapRuns.map((r) => r.describe());
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
      exec.driving = false;
      // Unconditional: the process driving it (this one or another) finds its lease gone and stops.
      await store.saveExecution(exec.record);
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
      if (!(await store.saveExecution(r, { ...lease, takeOver: true }))) {
        throw new ExecutionNotRedrivableError(executionArn, 'the execution is being redriven by another process');
      }
      drive(exec, from.state, from.input);
    },

    async resumeAll() {
      adopting = true;
      const resumed = await adopt(await claim());
      startBeating();
      return resumed;
    },

    async wait(executionArn) {
      for (;;) {
        const exec = await find(executionArn);
        const done = exec.done;
        await done;
        if (exec.done !== done) continue;
        if (closing || exec.record.status !== 'RUNNING') return describeRecord(exec.record);
        // Another process drives it: its checkpoints tell when it ends.
        await delay(Math.min(1000, lease.ttlMs / 3));
      }
    },

    async close() {
      closing = true;
      clearInterval(renewal);
      for (const exec of live.values()) exec.abort.abort();
      await Promise.all([...live.values()].map((e) => e.done.catch(() => undefined)));
      await store.releaseAll(owner).catch(onError);
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

import type { ObjectStore } from '@platescale/shared';
import type { History } from './history.js';
import type { MapRun } from './map/map-run.js';
import type { FairScheduler } from './scheduler.js';
import type { ChildRecord } from './store/types.js';

/** A local Lambda: receives the invocation payload, returns the response payload (or throws). */
export type LambdaHandler = (payload: unknown) => Promise<unknown>;

/** What every execution of one workflow shares. */
export interface Services {
  lambdas: Record<string, LambdaHandler>;
  objects: ObjectStore;
  scheduler: FairScheduler;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): Date;
  random(): number;
  region: string;
  account: string;
}

/** `$$.Execution`, as the context object exposes it. */
export interface ExecutionContextObject {
  Id: string;
  Input: unknown;
  Name: string;
  RoleArn: string;
  StartTime: string;
  RedriveCount: number;
  RedriveTime?: string;
}

/** Hooks only the top-level execution has: checkpoints, redrive bookkeeping, Map Run registry. */
export interface TopLevel {
  stateMachineName: string;
  history: History;
  /** Persists "about to enter `state` with `input`" (the resume point after a crash). */
  enter(state: string, input: unknown): Promise<void>;
  /** Records that `state` failed and a Catch moved on; a redrive starts again there. */
  caught(state: string, input: unknown): void;
  /** The Map Run id a Map state used before (resume/redrive), or undefined on first entry. */
  mapRunId(state: string): string | undefined;
  registerMapRun(state: string, run: MapRun): Promise<void>;
  /** Finished child executions saved by an earlier attempt of this Map Run. */
  loadChildren(mapRunId: string): Promise<Map<number, ChildRecord>>;
  saveChild(mapRunId: string, record: ChildRecord): Promise<void>;
  /** True when the execution is being redriven: failed children run again. */
  redriving: boolean;
}

export interface RunContext {
  services: Services;
  execution: ExecutionContextObject;
  stateMachine: { Id: string; Name: string };
  signal: AbortSignal;
  top: TopLevel;
  /** Set only for the execution itself, not for Map/Parallel iterations or child executions. */
  isTop: boolean;
  /** History is recorded for the top-level execution and its inline iterations only. */
  recordHistory: boolean;
}

import type { ExecutionStatus, MapRunDescription } from '@platescale/shared';

/** One finished child execution of a Distributed Map, as the ResultWriter needs it. */
export interface ChildRecord {
  index: number;
  name: string;
  executionArn: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** JSON text, as the ResultWriter files carry it. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  itemCount: number;
  startDate: string;
  stopDate: string;
}

/** Everything needed to describe an execution and to resume or redrive it in another process. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  startDate: string;
  stopDate?: string;
  redriveCount: number;
  redriveDate?: string;
  /** The state to (re-)enter and its input; null once the execution ended in a terminal state. */
  position: { state: string; input: unknown } | null;
  /** Where a redrive starts: the last state whose failure a Catch handled. */
  caught?: { state: string; input: unknown };
  /** Map state name → Map Run id, so that a resumed/redriven Map state continues the same Map Run. */
  mapRuns: Record<string, string>;
  /** The Map Runs' last known descriptions (dates as ISO strings), for describe after a restart. */
  mapRunSnapshots: MapRunDescription[];
}

/**
 * Which process drives an execution: `owner` names the process, `ttlMs` how long the lease lasts unless renewed.
 * `takeOver` claims an execution nobody holds (a redrive, from any process).
 */
export interface Lease {
  owner: string;
  ttlMs: number;
  takeOver?: boolean;
}

/** Durable state of executions and child results. The in-memory store keeps nothing across processes. */
export interface CheckpointStore {
  /**
   * Writes the record. With a lease, only while this owner holds the execution (or, with `takeOver`, while nobody
   * does): a RUNNING record renews the lease, a terminal one releases it; resolves false when the write was
   * fenced off (another process adopted the execution, or stopped it). Without a lease the write is unconditional
   * and releases the lease (StopExecution from any process).
   */
  saveExecution(record: ExecutionRecord, lease?: Lease): Promise<boolean>;
  loadExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  /**
   * Leases and returns the RUNNING executions of `stateMachineArn` nobody holds: never leased, lease expired, or
   * held by an owner `isDead` recognises (a process of this host that no longer exists).
   */
  claimRunning(stateMachineArn: string, lease: Lease, isDead: (owner: string) => boolean): Promise<ExecutionRecord[]>;
  /** Ends every lease of `owner` now (graceful shutdown), so that another process adopts at once. */
  releaseAll(owner: string): Promise<void>;
  saveChild(executionArn: string, mapRunId: string, record: ChildRecord): Promise<void>;
  loadChildren(executionArn: string, mapRunId: string): Promise<Map<number, ChildRecord>>;
}

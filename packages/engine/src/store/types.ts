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

/** Durable state of executions and child results. The in-memory store keeps nothing across processes. */
export interface CheckpointStore {
  saveExecution(record: ExecutionRecord): Promise<void>;
  loadExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  /** RUNNING executions of `stateMachineArn`, to resume at startup. */
  listRunning(stateMachineArn: string): Promise<ExecutionRecord[]>;
  saveChild(executionArn: string, mapRunId: string, record: ChildRecord): Promise<void>;
  loadChildren(executionArn: string, mapRunId: string): Promise<Map<number, ChildRecord>>;
}

/** Step Functions execution status names, unchanged. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  redriveCount?: number;
}

/** The counters of DescribeMapRun (`itemCounts` / `executionCounts`), same field names. */
export interface MapRunCounts {
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
  total: number;
  resultsWritten: number;
  failuresNotRedrivable?: number;
  pendingRedrive?: number;
}

export interface MapRunDescription {
  mapRunArn: string;
  executionArn: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  toleratedFailureCount: number;
  itemCounts: MapRunCounts;
  executionCounts: MapRunCounts;
}

export interface HistoryEvent {
  id: number;
  previousEventId?: number;
  timestamp: Date;
  type: string;
  details?: Record<string, unknown>;
}

/**
 * Runs the analysis state machine. Adapters: the local engine (embedded, executes the same ASL file)
 * and AWS Step Functions.
 */
export interface Workflow {
  start(name: string, input: unknown): Promise<{ executionArn: string; startDate: Date }>;
  describe(executionArn: string): Promise<ExecutionDescription>;
  /** Map Runs of the execution, newest first (DescribeMapRun for each of ListMapRuns). */
  mapRuns(executionArn: string): Promise<MapRunDescription[]>;
  history(executionArn: string): Promise<HistoryEvent[]>;
  stop(executionArn: string, opts?: { error?: string; cause?: string }): Promise<void>;
  redrive(executionArn: string): Promise<void>;
  /** Resolves true when the engine/service answers (health checks); adapters without a cheap probe omit it. */
  ping?(): Promise<boolean>;
}

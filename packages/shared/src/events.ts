/** EventBridge Source of every analysis event. */
export const ANALYSIS_EVENT_SOURCE = 'platescale.analysis';

export const ANALYSIS_EVENT_TYPES = [
  'AnalysisJobSucceeded',
  'AnalysisJobPartiallySucceeded',
  'AnalysisJobFailed',
] as const;
export type AnalysisEventType = (typeof ANALYSIS_EVENT_TYPES)[number];

export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED' | 'CANCELLED';

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Detail of a completion event (schema version 1). Large data travels by reference (resultsKey). */
export interface AnalysisJobEventDetail {
  schemaVersion: 1;
  jobId: string;
  experimentId: string;
  tenantId?: string;
  status: Exclude<JobStatus, 'QUEUED' | 'RUNNING' | 'CANCELLED'>;
  imagesTotal: number;
  imagesSucceeded: number;
  imagesFailed: number;
  /** Up to 100 failed items (plate/well/field and reason); the full list is in the results tables. */
  failures: { plate: string; well: string; field: number; error: string }[];
  bucket: string;
  resultsPrefix: string;
  error?: { error: string; cause?: string };
  /** Monotonic per job: consumers ignore an event older than what they already applied. */
  sequence: number;
  occurredAt: string;
}

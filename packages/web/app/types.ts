import type { PlateFormat } from './lib/plate.js';

/** The API's JSON shapes the UI reads (see /openapi.json); fields the API may not send yet are optional. */
export type JobStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface Progress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  pending: number;
}

export interface Job {
  jobId: string;
  experimentId: string;
  status: JobStatus;
  segmentationChannel: string;
  modelKey: string | null;
  progress: Progress;
  error: { error: string; cause?: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ProgressSnapshot {
  jobId: string;
  status: JobStatus;
  progress: Progress;
  percent: number;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
}

export interface Experiment {
  experimentId: string;
  plateFormat: PlateFormat;
  channels: string[];
}

export type WellRole = 'negative_control' | 'positive_control' | 'sample';

export interface Measures {
  meanArea: number | null;
  meanIntensity: Record<string, number> | null;
  features: Record<string, number> | null;
}

export interface WellResult extends Measures {
  plate: string;
  well: string;
  fields: number;
  fieldsFailed: number;
  cellCount: number;
  meanCellCount: number | null;
  treatment?: string | null;
  dose?: number | null;
  unit?: string | null;
  role?: WellRole | null;
  robustZ?: Record<string, number> | null;
}

export interface ImageResult extends Measures {
  plate: string;
  well: string;
  field: number;
  ok: boolean;
  cellCount: number | null;
  /** Nucleus diameter (px) the field was segmented at, given (job/experiment) or estimated from it. */
  objectDiameter: number | null;
  diameterSource: 'given' | 'estimated' | 'default' | null;
  error: string | null;
  seconds: number | null;
}

/** One plate of a job's results (GET /v1/jobs/{id}/plates). */
export interface PlateSummary {
  plate: string;
  wells: number;
  fields: number;
  fieldsFailed: number;
  wellsWithFailedFields: number;
}

/** Per condition (treatment × dose, pooled over the plates) and feature, over its wells. */
export interface ConditionResult {
  treatment: string;
  dose: number;
  unit: string;
  role: WellRole;
  feature: string;
  n: number;
  mean: number;
  sd: number | null;
  median: number;
}

export interface PlateQc {
  plate: string;
  feature: string;
  zPrime: number | null;
}

export interface DoseResponseFit {
  treatment: string;
  feature: string;
  unit?: string | null;
  ec50: number | null;
  ec50CiLow?: number | null;
  ec50CiHigh?: number | null;
  hill: number | null;
  top: number | null;
  bottom: number | null;
  r2: number | null;
  error?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const TERMINAL: JobStatus[] = ['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED'];

export interface Model {
  modelId: string;
  name: string;
  version: number;
  classes: string[];
  channels: string[];
  foregroundClass: string;
  labelCounts: Record<string, number>;
  architecture: {
    classifier: 'logistic' | 'mlp' | 'forest' | 'network';
    hidden: number;
    trees?: number;
    base?: string;
  };
  metrics: { pixelAccuracy: number; perClass: { className: string; accuracy: number }[]; trainSeconds: number };
  createdAt: string;
}

export interface Upload {
  key: string;
  file: string;
  width: number;
  height: number;
}

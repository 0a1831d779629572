import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { ValidationError } from './errors.js';

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

/** The DetailType of the event that reports each terminal status of the aggregator. */
export const EVENT_TYPE_BY_STATUS = {
  SUCCEEDED: 'AnalysisJobSucceeded',
  PARTIALLY_SUCCEEDED: 'AnalysisJobPartiallySucceeded',
  FAILED: 'AnalysisJobFailed',
} as const satisfies Record<string, AnalysisEventType>;

/** EventBridge refuses an entry over 256 KB; details stay far below by carrying large data by reference. */
export const MAX_FAILURES_IN_EVENT = 100;

/**
 * Detail of a completion event, schema version 1 — the source of
 * `schemas/analysis-job-event.v1.json` (a test keeps the file equal to this). Additive changes only; a
 * breaking change is a new schemaVersion and a new file.
 */
export const AnalysisJobEventDetailSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    jobId: Type.String({ minLength: 1 }),
    experimentId: Type.String({ minLength: 1 }),
    tenantId: Type.Optional(Type.String({ minLength: 1 })),
    status: Type.Union([Type.Literal('SUCCEEDED'), Type.Literal('PARTIALLY_SUCCEEDED'), Type.Literal('FAILED')]),
    imagesTotal: Type.Integer({ minimum: 0 }),
    imagesSucceeded: Type.Integer({ minimum: 0 }),
    imagesFailed: Type.Integer({ minimum: 0 }),
    failures: Type.Array(
      Type.Object({
        plate: Type.String(),
        well: Type.String(),
        field: Type.Integer({ minimum: 0 }),
        error: Type.String(),
      }),
      {
        maxItems: MAX_FAILURES_IN_EVENT,
        description: 'Up to 100 failed items; the full list is in the image_results table',
      },
    ),
    bucket: Type.String(),
    resultsPrefix: Type.String({ description: 'Where the manifest and ResultWriter output of the job are' }),
    error: Type.Optional(Type.Object({ error: Type.String(), cause: Type.Optional(Type.String()) })),
    sequence: Type.Integer({
      minimum: 1,
      description: 'Monotonic per job: consumers ignore an event older than what they already applied',
    }),
    occurredAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' }),
  },
  {
    $id: 'https://platescale.dev/schemas/analysis-job-event.v1.json',
    title: 'platescale analysis job completion event detail, version 1',
    description:
      'EventBridge Source platescale.analysis; DetailType AnalysisJobSucceeded, AnalysisJobPartiallySucceeded or AnalysisJobFailed',
  },
);

export type AnalysisJobEventDetail = Static<typeof AnalysisJobEventDetailSchema>;

/** Validates an event detail against schema v1; throws a ValidationError naming the bad fields. */
export function parseAnalysisJobEventDetail(detail: unknown): AnalysisJobEventDetail {
  if (Value.Check(AnalysisJobEventDetailSchema, detail)) return detail;
  const errors = [...Value.Errors(AnalysisJobEventDetailSchema, detail)];
  const list = errors.map((e) => `${e.instancePath || '(detail)'}: ${e.message}`).join('; ');
  throw new ValidationError(`invalid analysis job event detail: ${list}`, errors[0]?.instancePath.slice(1) || 'detail');
}

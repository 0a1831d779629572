import Type from 'typebox';
import { Nullable, Timestamp } from './common.js';

export const JOB_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export const JobStatus = Type.Enum([...JOB_STATUSES]);

export const JobBody = Type.Object(
  {
    experimentId: Type.String({ minLength: 1, maxLength: 128 }),
    segmentationChannel: Type.String({ minLength: 1, maxLength: 64, description: "One of the experiment's channels" }),
    maxConcurrency: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Parallel batches; at most the server cap (MAX_CONCURRENCY_CAP)' }),
    ),
    batchSize: Type.Optional(
      Type.Integer({ minimum: 1, default: 10, description: 'Image sets per segmenter call; at most MAX_BATCH_SIZE' }),
    ),
    toleratedFailurePercentage: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100, default: 10, description: 'Share of images that may fail' }),
    ),
    modelId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: "A model of the tenant's registry (POST /v1/models)" }),
    ),
    modelKey: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'Object key of an ONNX model (instead of modelId); the default model when both are absent',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 10, maxConcurrency: 8 }],
  },
);

export const Progress = Type.Object({
  total: Type.Integer(),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
  running: Type.Integer(),
  pending: Type.Integer(),
});

export const Job = Type.Object({
  jobId: Type.String(),
  experimentId: Type.String(),
  status: JobStatus,
  segmentationChannel: Type.String(),
  modelKey: Nullable(Type.String()),
  maxConcurrency: Type.Integer(),
  batchSize: Type.Integer(),
  toleratedFailurePercentage: Type.Number(),
  progress: Progress,
  error: Nullable(Type.Object({ error: Type.String(), cause: Type.Optional(Type.String()) })),
  createdAt: Timestamp,
  startedAt: Nullable(Timestamp),
  finishedAt: Nullable(Timestamp),
  links: Type.Object({ self: Type.String(), results: Type.String(), events: Type.String() }),
});

export const JobListQuery = Type.Object({
  status: Type.Optional(JobStatus),
  experimentId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

export type JobView = Type.Static<typeof Job>;
export type JobInput = Type.Static<typeof JobBody>;
export type ProgressView = Type.Static<typeof Progress>;

import Type from 'typebox';
import { Nullable, ObjectDiameter, Ref, Timestamp } from './common.js';

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
        description:
          "Object key of an ONNX model in the tenant's folders (instead of modelId); the default model when both are absent. Checked at submission: it must load and take no more channels than the experiment has",
      }),
    ),
    objectDiameter: Type.Optional(
      ObjectDiameter(
        "Typical nucleus diameter (px): every image is segmented at it instead of its own estimate; default the experiment's objectDiameter, else estimated per image",
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ experimentId: 'AS_09125', segmentationChannel: 'DNA', batchSize: 10, maxConcurrency: 8 }],
  },
);

export const Progress = Type.Object(
  {
    total: Type.Integer(),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
    running: Type.Integer(),
    pending: Type.Integer(),
  },
  { $id: 'Progress' },
);

const Usd = Type.Number({ description: 'US dollars' });
const ChildType = Type.Enum(['EXPRESS', 'STANDARD']);

/** The estimate of packages/shared/src/cost (price table versioned there, with its source dates). */
export const JobCost = Type.Object(
  {
    estimatedAwsCostUsd: Usd,
    currency: Type.Literal('USD'),
    priceTableVersion: Type.String(),
    region: Type.String(),
    breakdown: Type.Object({
      lambda: Type.Object({ usd: Usd, gbSeconds: Type.Number(), requests: Type.Number() }),
      stepFunctions: Type.Object({
        usd: Usd,
        mapChildExecutionType: ChildType,
        standardTransitions: Type.Number(),
        expressRequests: Type.Number(),
        expressGbSeconds: Type.Number(),
      }),
      s3: Type.Object({
        usd: Usd,
        getRequests: Type.Number(),
        putRequests: Type.Number(),
        listRequests: Type.Number(),
      }),
      eventBridge: Type.Object({ usd: Usd, events: Type.Number() }),
    }),
    deployment: Type.Object({
      architecture: Type.Enum(['x86_64', 'arm64']),
      segmenterMemoryMb: Type.Number(),
      aggregatorMemoryMb: Type.Number(),
      mapChildExecutionType: ChildType,
      batches: Type.Number(),
    }),
  },
  {
    $id: 'Cost',
    description: 'Estimated AWS cost of the job from its own measured durations; null until its results are in',
  },
);

export const Job = Type.Object(
  {
    jobId: Type.String(),
    experimentId: Type.String(),
    status: JobStatus,
    segmentationChannel: Type.String(),
    modelKey: Nullable(Type.String()),
    maxConcurrency: Type.Integer(),
    batchSize: Type.Integer(),
    toleratedFailurePercentage: Type.Number(),
    objectDiameter: Nullable(
      Type.Number({
        description: 'Nucleus diameter (px) given on the job or its experiment; null: estimated per image',
      }),
    ),
    progress: Ref(Progress),
    error: Nullable(Type.Object({ error: Type.String(), cause: Type.Optional(Type.String()) })),
    cost: Nullable(Ref(JobCost)),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    links: Type.Object({ self: Type.String(), results: Type.String(), events: Type.String() }),
  },
  {
    $id: 'Job',
    examples: [
      {
        jobId: 'job_0mwxxk9mi5747fa8789a0a190',
        experimentId: 'AS_09125',
        status: 'RUNNING',
        segmentationChannel: 'DNA',
        modelKey: null,
        maxConcurrency: 40,
        batchSize: 10,
        toleratedFailurePercentage: 10,
        objectDiameter: null,
        progress: { total: 388, succeeded: 120, failed: 1, running: 20, pending: 247 },
        error: null,
        cost: null,
        createdAt: '2026-11-26T19:13:21.004Z',
        startedAt: '2026-11-26T19:13:21.120Z',
        finishedAt: null,
        links: {
          self: '/v1/jobs/job_0mwxxk9mi5747fa8789a0a190',
          results: '/v1/jobs/job_0mwxxk9mi5747fa8789a0a190/results?level=well',
          events: '/v1/jobs/job_0mwxxk9mi5747fa8789a0a190/events',
        },
      },
    ],
  },
);

export const JobListQuery = Type.Object({
  status: Type.Optional(JobStatus),
  experimentId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
});

export type JobView = Type.Static<typeof Job>;
export type JobInput = Type.Static<typeof JobBody>;
export type ProgressView = Type.Static<typeof Progress>;

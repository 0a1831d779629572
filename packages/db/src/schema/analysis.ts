import type { ExperimentSpec, JobCostEstimate, JobStatus } from '@platescale/shared';
import { sql } from 'drizzle-orm';
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { WellRole } from './results.js';

/** A job's result rows go when the job goes. */
export const jobRef = () =>
  text('job_id')
    .notNull()
    .references(() => jobs.id, { onDelete: 'cascade' });

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

/** An experiment: where its images are and how their names map to plate/well/field/channel. */
export const experiments = pgTable(
  'experiments',
  {
    tenantId: text('tenant_id').notNull().default('default'),
    id: text('id').notNull(),
    plateFormat: integer('plate_format').notNull(),
    imagePrefix: text('image_prefix').notNull(),
    naming: text('naming').$type<ExperimentSpec['naming']>().notNull(),
    channels: jsonb('channels').$type<string[]>().notNull(),
    manifest: jsonb('manifest').$type<ExperimentSpec['manifest']>(),
    /** Typical nucleus diameter (px) its jobs segment at; null: estimated per image. */
    objectDiameter: doublePrecision('object_diameter'),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** One analysis run over an experiment. Status moves forward only (see the event consumer). */
export const jobs = pgTable(
  'jobs',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().default('default'),
    experimentId: text('experiment_id').notNull(),
    status: text('status').$type<JobStatus>().notNull(),
    segmentationChannel: text('segmentation_channel').notNull(),
    modelKey: text('model_key'),
    maxConcurrency: integer('max_concurrency').notNull(),
    batchSize: integer('batch_size').notNull(),
    toleratedFailurePercentage: doublePrecision('tolerated_failure_percentage').notNull(),
    /** Nucleus diameter (px) given on the job or its experiment; null: estimated per image. */
    objectDiameter: doublePrecision('object_diameter'),
    executionArn: text('execution_arn'),
    mapRunArn: text('map_run_arn'),
    resultsPrefix: text('results_prefix').notNull(),
    imagesTotal: integer('images_total'),
    imagesSucceeded: integer('images_succeeded'),
    imagesFailed: integer('images_failed'),
    error: jsonb('error').$type<{ error: string; cause?: string }>(),
    /** Estimated AWS cost from the job's measured durations (written by the aggregator when results are in). */
    cost: jsonb('cost').$type<JobCostEstimate>(),
    /** Sequence of the last completion event applied; older events are ignored. */
    lastEventSequence: integer('last_event_sequence').notNull().default(0),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('jobs_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('jobs_experiment_idx').on(t.tenantId, t.experimentId),
  ],
);

/** One row per image set (field) of a job: the segmenter's per-image summary, or why it failed. */
export const imageResults = pgTable(
  'image_results',
  {
    jobId: jobRef(),
    plate: text('plate').notNull(),
    well: text('well').notNull(),
    field: integer('field').notNull(),
    ok: boolean('ok').notNull(),
    cellCount: integer('cell_count'),
    meanArea: doublePrecision('mean_area'),
    medianArea: doublePrecision('median_area'),
    meanIntensity: jsonb('mean_intensity').$type<Record<string, number>>(),
    features: jsonb('features').$type<Record<string, number>>(),
    /** The nucleus diameter (px) the image was segmented at, and whether it was given or estimated. */
    objectDiameter: doublePrecision('object_diameter'),
    diameterSource: text('diameter_source').$type<'given' | 'estimated' | 'default'>(),
    objectsKey: text('objects_key'),
    maskKey: text('mask_key'),
    seconds: doublePrecision('seconds'),
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.plate, t.well, t.field] })],
);

/** Fields of one well combined. */
export const wellResults = pgTable(
  'well_results',
  {
    jobId: jobRef(),
    plate: text('plate').notNull(),
    well: text('well').notNull(),
    fields: integer('fields').notNull(),
    fieldsFailed: integer('fields_failed').notNull(),
    cellCount: integer('cell_count').notNull(),
    meanCellCount: doublePrecision('mean_cell_count'),
    meanArea: doublePrecision('mean_area'),
    medianArea: doublePrecision('median_area'),
    meanIntensity: jsonb('mean_intensity').$type<Record<string, number>>(),
    features: jsonb('features').$type<Record<string, number>>(),
    /** Median across the well's successful fields of each feature in `features`. */
    featureMedians: jsonb('feature_medians').$type<Record<string, number>>(),
    /** Plate-map annotation at the time of the analysis (null when the plate map does not name the well). */
    treatment: text('treatment'),
    dose: doublePrecision('dose'),
    unit: text('unit'),
    role: text('role').$type<WellRole>(),
    /** Robust z-score per feature against the plate's negative controls: (x − median) / (1.4826 · MAD). */
    robustZ: jsonb('robust_z').$type<Record<string, number>>(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.plate, t.well] })],
);

/** Ids of events the consumer has applied: redelivery of the same event changes nothing. */
export const processedEvents = pgTable('processed_events', {
  eventId: text('event_id').primaryKey(),
  jobId: text('job_id').notNull(),
  processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

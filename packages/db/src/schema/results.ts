import type { AnalysisEventType } from '@platescale/shared';
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
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { jobRef } from './analysis.js';

export type WellRole = 'negative_control' | 'positive_control' | 'sample';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * The plate map of an experiment: what each well holds. `plate` '' applies to every plate of the experiment;
 * a row naming a plate overrides it for that plate.
 */
export const plateMapWells = pgTable(
  'plate_map_wells',
  {
    tenantId: text('tenant_id').notNull().default('default'),
    experimentId: text('experiment_id').notNull(),
    plate: text('plate').notNull().default(''),
    well: text('well').notNull(),
    treatment: text('treatment').notNull(),
    dose: doublePrecision('dose'),
    unit: text('unit'),
    role: text('role').$type<WellRole>().notNull(),
    /** Any further columns of the uploaded plate map (cell line, replicate, …). */
    metadata: jsonb('metadata').$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.experimentId, t.plate, t.well] })],
);

/** Per condition (treatment × dose × unit over every plate of the job) and feature: well-level mean, SD, n. */
export const conditionResults = pgTable(
  'condition_results',
  {
    jobId: jobRef(),
    treatment: text('treatment').notNull(),
    /** 0 when the plate map gives no dose. */
    dose: doublePrecision('dose').notNull(),
    unit: text('unit').notNull().default(''),
    role: text('role').$type<WellRole>().notNull(),
    feature: text('feature').notNull(),
    /** Wells with a value for the feature. */
    n: integer('n').notNull(),
    mean: doublePrecision('mean').notNull(),
    /** Sample standard deviation (n − 1); null when n < 2. */
    sd: doublePrecision('sd'),
    median: doublePrecision('median').notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.treatment, t.dose, t.unit, t.feature] })],
);

/** Per plate and feature: the control statistics and the Z′-factor. */
export const plateQc = pgTable(
  'plate_qc',
  {
    jobId: jobRef(),
    plate: text('plate').notNull(),
    feature: text('feature').notNull(),
    nNegative: integer('n_negative').notNull(),
    meanNegative: doublePrecision('mean_negative'),
    sdNegative: doublePrecision('sd_negative'),
    nPositive: integer('n_positive').notNull(),
    meanPositive: doublePrecision('mean_positive'),
    sdPositive: doublePrecision('sd_positive'),
    /** 1 − 3(σp + σn) / |μp − μn|, σ the sample SD; null without ≥ 2 wells of each control or when μp = μn. */
    zPrime: doublePrecision('z_prime'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.plate, t.feature] })],
);

/** A 4-parameter log-logistic fit per treatment and feature over the job's sample wells. */
export const doseResponseFits = pgTable(
  'dose_response_fits',
  {
    jobId: jobRef(),
    treatment: text('treatment').notNull(),
    feature: text('feature').notNull(),
    unit: text('unit').notNull().default(''),
    /** Wells (points) and distinct doses used. */
    n: integer('n').notNull(),
    doses: integer('doses').notNull(),
    ec50: doublePrecision('ec50'),
    ec50CiLow: doublePrecision('ec50_ci_low'),
    ec50CiHigh: doublePrecision('ec50_ci_high'),
    logEc50: doublePrecision('log_ec50'),
    logEc50Se: doublePrecision('log_ec50_se'),
    hill: doublePrecision('hill'),
    top: doublePrecision('top'),
    bottom: doublePrecision('bottom'),
    r2: doublePrecision('r2'),
    converged: boolean('converged').notNull(),
    /** Why there is no fit (too few doses, no convergence); null when fitted. */
    error: text('error'),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.treatment, t.feature] })],
);

/**
 * Completion events written in the same transaction as the results; a publisher sends unpublished rows and
 * stamps them, so a crash between commit and publish loses nothing. The id is the event's `sequence`.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    jobId: text('job_id').notNull(),
    /** Same input, same key: a retried aggregation adds no second event. */
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').notNull(),
    detailType: text('detail_type').$type<AnalysisEventType>().notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull(),
    createdAt: tz('created_at').notNull().default(sql`now()`),
    publishedAt: tz('published_at'),
    /** The bus's event id once published. */
    eventId: text('event_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_idx').on(t.dedupeKey),
    index('outbox_unpublished_idx').on(t.id).where(sql`${t.publishedAt} IS NULL`),
  ],
);

import type { MapRunDescription } from '@platescale/shared';
import { index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The local workflow engine's executions: status, result and the resume point, so that a restarted
 * process continues unfinished executions (child results live in the object store).
 */
export const engineExecutions = pgTable(
  'engine_executions',
  {
    executionArn: text('execution_arn').primaryKey(),
    stateMachineArn: text('state_machine_arn').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull(),
    input: jsonb('input'),
    output: jsonb('output'),
    error: text('error'),
    cause: text('cause'),
    startDate: timestamp('start_date', { withTimezone: true, mode: 'date' }).notNull(),
    stopDate: timestamp('stop_date', { withTimezone: true, mode: 'date' }),
    redriveCount: integer('redrive_count').notNull().default(0),
    redriveDate: timestamp('redrive_date', { withTimezone: true, mode: 'date' }),
    /** The state to (re-)enter and its input; null once the execution reached a terminal state. */
    position: jsonb('position').$type<{ state: string; input: unknown } | null>(),
    caught: jsonb('caught').$type<{ state: string; input: unknown } | null>(),
    /** Map state name → Map Run id. */
    mapRuns: jsonb('map_runs').$type<Record<string, string>>().notNull(),
    mapRunSnapshots: jsonb('map_run_snapshots').$type<MapRunDescription[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /**
     * The process driving a RUNNING execution and until when it holds it: processes sharing the database drive
     * each execution once, and adopt one whose owner stopped renewing (killed, partitioned).
     */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('engine_executions_status_idx').on(t.stateMachineArn, t.status)],
);

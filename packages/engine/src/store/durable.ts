import type { Db } from '@platescale/db';
import { tables } from '@platescale/db';
import type { ObjectStore } from '@platescale/shared';
import { and, eq, inArray, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import type { CheckpointStore, ChildRecord, ExecutionRecord, Lease } from './types.js';

export interface DurableStoreOptions {
  db: Db;
  /** Where child results are kept (one small object per finished child execution). */
  objects: ObjectStore;
  /** Key prefix of the child results (default `engine/`). */
  prefix?: string;
}

const t = tables.engineExecutions;

/** Lease ends are database time, so that processes with skewed clocks agree on who holds what. */
const leaseEnd = (lease: Lease): SQL => sql`now() + ${Math.ceil(lease.ttlMs)}::int * interval '1 millisecond'`;

/**
 * Checkpoints that survive the process: execution rows in the database, child results as objects. A child's
 * object is written before the Map counts it, so after a crash every finished child is found again and only
 * unfinished ones run.
 */
export function createDurableCheckpointStore(opts: DurableStoreOptions): CheckpointStore {
  const prefix = opts.prefix ?? 'engine/';
  const childPrefix = (arn: string, mapRunId: string) => {
    const [, , , , , , machine, name] = arn.split(':');
    return `${prefix}${machine}/${name}/${mapRunId}/`;
  };
  return {
    async saveExecution(r, lease) {
      const held = lease && r.status === 'RUNNING';
      const row = { ...toRow(r), leaseOwner: held ? lease.owner : null, leaseExpiresAt: held ? leaseEnd(lease) : null };
      const fence = lease ? (lease.takeOver ? isNull(t.leaseOwner) : eq(t.leaseOwner, lease.owner)) : undefined;
      const written = await opts.db
        .insert(t)
        .values(row)
        .onConflictDoUpdate({ target: t.executionArn, set: row, ...(fence ? { setWhere: fence } : {}) })
        .returning({ arn: t.executionArn });
      return written.length > 0;
    },
    async loadExecution(arn) {
      const rows = await opts.db.select().from(t).where(eq(t.executionArn, arn));
      return rows[0] && fromRow(rows[0]);
    },
    async claimRunning(stateMachineArn, lease, isDead) {
      const running = and(eq(t.stateMachineArn, stateMachineArn), eq(t.status, 'RUNNING'));
      const holders = await opts.db.selectDistinct({ owner: t.leaseOwner }).from(t).where(running);
      const dead = holders.map((h) => h.owner).filter((o): o is string => o !== null && isDead(o));
      // Row locks make the claim atomic: of two processes claiming at once, the second finds the lease taken.
      const rows = await opts.db
        .update(t)
        .set({ leaseOwner: lease.owner, leaseExpiresAt: leaseEnd(lease) })
        .where(
          and(
            running,
            or(
              isNull(t.leaseOwner),
              lt(t.leaseExpiresAt, sql`now()`),
              dead.length > 0 ? inArray(t.leaseOwner, dead) : undefined,
            ),
          ),
        )
        .returning();
      return rows.map(fromRow);
    },
    async releaseAll(owner) {
      await opts.db
        .update(t)
        .set({ leaseExpiresAt: sql`now()` })
        .where(and(eq(t.leaseOwner, owner), eq(t.status, 'RUNNING')));
    },
    async saveChild(arn, mapRunId, record) {
      await opts.objects.put(`${childPrefix(arn, mapRunId)}${record.index}.json`, JSON.stringify(record), {
        contentType: 'application/json',
      });
    },
    async loadChildren(arn, mapRunId) {
      const out = new Map<number, ChildRecord>();
      const base = childPrefix(arn, mapRunId);
      let token: string | undefined;
      do {
        const page = await opts.objects.list(base, token ? { continuationToken: token } : {});
        const records = await Promise.all(
          page.objects.map(async (o) => JSON.parse((await opts.objects.get(o.key)).toString('utf8')) as ChildRecord),
        );
        for (const r of records) out.set(r.index, r);
        token = page.nextContinuationToken;
      } while (token);
      return out;
    },
  };
}

type Row = typeof t.$inferSelect;

function toRow(r: ExecutionRecord): typeof t.$inferInsert {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    input: r.input ?? null,
    output: r.output ?? null,
    error: r.error ?? null,
    cause: r.cause ?? null,
    startDate: new Date(r.startDate),
    stopDate: r.stopDate ? new Date(r.stopDate) : null,
    redriveCount: r.redriveCount,
    redriveDate: r.redriveDate ? new Date(r.redriveDate) : null,
    position: r.position,
    caught: r.caught ?? null,
    mapRuns: r.mapRuns,
    mapRunSnapshots: r.mapRunSnapshots,
    updatedAt: new Date(),
  };
}

function fromRow(row: Row): ExecutionRecord {
  const r: ExecutionRecord = {
    executionArn: row.executionArn,
    stateMachineArn: row.stateMachineArn,
    name: row.name,
    status: row.status as ExecutionRecord['status'],
    input: row.input,
    startDate: row.startDate.toISOString(),
    redriveCount: row.redriveCount,
    position: row.position ?? null,
    mapRuns: row.mapRuns,
    mapRunSnapshots: row.mapRunSnapshots,
  };
  if (row.output !== null) r.output = row.output;
  if (row.error !== null) r.error = row.error;
  if (row.cause !== null) r.cause = row.cause;
  if (row.stopDate) r.stopDate = row.stopDate.toISOString();
  if (row.redriveDate) r.redriveDate = row.redriveDate.toISOString();
  if (row.caught) r.caught = row.caught;
  return r;
}

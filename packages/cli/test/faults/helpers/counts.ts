import { tables } from '@platescale/db';
import { count, eq } from 'drizzle-orm';
import type { Test } from 'tap';
import type { Plate } from './plate.js';
import type { Receiver } from './receiver.js';
import type { Scenario } from './scenario.js';

const { imageResults, wellResults, outbox, webhookDeliveries } = tables;

export interface JobCounts {
  imageRows: number;
  imagesFailed: number;
  wellRows: number;
  /** Completion events of the job in the outbox (each one published). */
  events: number;
  eventsUnpublished: number;
  /** Webhook deliveries of the job's events, and how many of them succeeded. */
  deliveries: number;
  deliveriesSucceeded: number;
}

/** The figures every scenario ends with, read from the scenario's own schema. */
export async function jobCounts(s: Scenario, jobId: string): Promise<JobCounts> {
  const db = s.database.db;
  const n = async (q: Promise<{ n: number }[]>) => Number((await q)[0]?.n ?? 0);
  const events = await db.select().from(outbox).where(eq(outbox.jobId, jobId));
  const eventIds = events.map((e) => e.eventId).filter((id): id is string => id !== null);
  const deliveries = (await db.select().from(webhookDeliveries)).filter((d) => eventIds.includes(d.eventId));
  const images = await db.select({ ok: imageResults.ok }).from(imageResults).where(eq(imageResults.jobId, jobId));
  return {
    imageRows: images.length,
    imagesFailed: images.filter((i) => !i.ok).length,
    wellRows: await n(db.select({ n: count() }).from(wellResults).where(eq(wellResults.jobId, jobId))),
    events: events.length,
    eventsUnpublished: events.filter((e) => e.publishedAt === null).length,
    deliveries: deliveries.length,
    deliveriesSucceeded: deliveries.filter((d) => d.status === 'succeeded').length,
  };
}

/** The one line per scenario the suite prints (stderr: tap passes it through untouched). */
export function report(
  scenario: string,
  c: JobCounts,
  extra: Record<string, string | number> = {},
  receiver?: Receiver,
) {
  const fields = {
    images: c.imageRows,
    failed: c.imagesFailed,
    wells: c.wellRows,
    events: c.events,
    deliveries: c.deliveriesSucceeded,
    ...(receiver ? { received: receiver.received.length } : {}),
    ...extra,
  };
  process.stderr.write(
    `faults ${scenario}: ${Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}\n`,
  );
}

/** A job that lost nothing: one row per image set and per well, none failed, one completion event, published. */
export function assertAllStored(t: Test, c: JobCounts, plate: Pick<Plate, 'imageSets' | 'wells'>): void {
  t.equal(c.imageRows, plate.imageSets, 'one image row per image set');
  t.equal(c.imagesFailed, 0);
  t.equal(c.wellRows, plate.wells);
  t.equal(c.events, 1, 'one completion event');
  t.equal(c.eventsUnpublished, 0);
}

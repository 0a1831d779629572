import { type Database, type Db, tables } from '@platescale/db';
import {
  ANALYSIS_EVENT_SOURCE,
  ANALYSIS_EVENT_TYPES,
  type AnalysisJobEventDetail,
  type Config,
  type EventEnvelope,
} from '@platescale/shared';
import { and, asc, eq, inArray, isNull, lte } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { newId } from '../services/ids.js';
import { retrySchedule, urlPolicy } from './policy.js';
import { sendWebhook } from './send.js';
import type { ResolveHost } from './ssrf.js';

const { jobs, webhooks, webhookDeliveries, webhookAttempts } = tables;

/** An attempt in flight holds its delivery this long; a dispatcher that died mid-attempt releases it by expiry. */
const LEASE_MS = 60_000;
const BATCH = 20;

export interface WebhookDispatcher {
  /** EventBus handler: queues a delivery of the event to every matching subscription of the job's tenant. */
  handle(event: EventEnvelope): Promise<void>;
  /** Attempts every delivery that is due now; resolves with how many were attempted. */
  runDue(): Promise<number>;
  /** Starts the retry loop (runDue every `intervalMs`). */
  start(intervalMs?: number): void;
  /** Stops the loop and waits for attempts in flight. */
  stop(): Promise<void>;
}

export interface DispatcherOptions {
  db: Database | Db;
  config: Config;
  /** Seconds before retry 1, 2, …; default from config.WEBHOOK_RETRY_SCHEDULE_SECONDS. */
  scheduleSeconds?: number[];
  resolveHost?: ResolveHost;
  /** [0, 1) source of the jitter; Math.random by default. */
  random?: () => number;
  /** The clock of due times, attempts and signatures (tests run a day of retries on a fake one). */
  now?: () => Date;
  onError?: (err: unknown) => void;
}

/**
 * Standard Webhooks deliveries with retries. Every attempt is logged; a failed attempt is retried after the next
 * delay of the schedule plus up to 20 % jitter (never earlier: the schedule is the floor); a delivery that fails through the whole schedule (≥ 24 h by default)
 * fails and disables its subscription (sustained failure), which stops further deliveries until it is
 * re-enabled (POST /v1/webhooks/{id}/enable).
 */
export function createWebhookDispatcher(opts: DispatcherOptions): WebhookDispatcher {
  const db = 'db' in opts.db ? opts.db.db : opts.db;
  const schedule = opts.scheduleSeconds ?? retrySchedule(opts.config);
  const policy = urlPolicy(opts.config, opts.resolveHost);
  const random = opts.random ?? Math.random;
  const clock = opts.now ?? (() => new Date());
  const onError = opts.onError ?? (() => undefined);
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  };

  async function attempt(delivery: typeof webhookDeliveries.$inferSelect): Promise<void> {
    const [hook] = await db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId));
    const number = delivery.attempts + 1;
    if (!hook?.enabled || hook.deletedAt) {
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', nextAttemptAt: null, updatedAt: clock() })
        .where(eq(webhookDeliveries.id, delivery.id));
      return;
    }
    const now = clock();
    const signature = new Webhook(hook.secret).sign(delivery.id, now, delivery.payload);
    const result = await sendWebhook(
      hook.url,
      {
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
        'user-agent': 'platescale-webhooks/1',
      },
      delivery.payload,
      policy,
    );
    await db.insert(webhookAttempts).values({ deliveryId: delivery.id, attempt: number, attemptedAt: now, ...result });
    const ok = result.error === null;
    const exhausted = !ok && number > schedule.length;
    const delay = ok || exhausted ? 0 : schedule[number - 1]! * 1000 * (1 + 0.2 * random());
    await db
      .update(webhookDeliveries)
      .set({
        attempts: number,
        status: ok ? 'succeeded' : exhausted ? 'failed' : 'pending',
        nextAttemptAt: ok || exhausted ? null : new Date(now.getTime() + delay),
        updatedAt: clock(),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
    if (exhausted) {
      await db
        .update(webhooks)
        .set({
          enabled: false,
          disabledReason: `delivery ${delivery.id} failed ${number} attempts (last: ${result.error})`,
        })
        .where(eq(webhooks.id, hook.id));
    }
  }

  async function runOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, clock())))
        .orderBy(asc(webhookDeliveries.nextAttemptAt))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      const claimed = await db
        .update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(clock().getTime() + LEASE_MS) })
        .where(inArray(webhookDeliveries.id, due))
        .returning();
      if (claimed.length === 0) return total;
      const results = await Promise.allSettled(claimed.map(attempt));
      for (const r of results) if (r.status === 'rejected') onError(r.reason);
      total += claimed.length;
    }
  }

  /** One pass at a time per dispatcher; a call during a pass waits for it. */
  function runDue(): Promise<number> {
    running ??= track(runOnce()).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    async handle(event) {
      if (event.source !== ANALYSIS_EVENT_SOURCE) return;
      if (!(ANALYSIS_EVENT_TYPES as readonly string[]).includes(event['detail-type'])) return;
      const detail = event.detail as AnalysisJobEventDetail;
      const tenantId =
        detail.tenantId ??
        (await db.select({ tenantId: jobs.tenantId }).from(jobs).where(eq(jobs.id, detail.jobId)))[0]?.tenantId;
      if (!tenantId) return;
      const subscribed = (
        await db
          .select()
          .from(webhooks)
          .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.enabled, true), isNull(webhooks.deletedAt)))
      ).filter((w) => w.eventTypes.includes(event['detail-type']));
      if (subscribed.length === 0) return;
      const payload = JSON.stringify({ type: event['detail-type'], timestamp: event.time, data: detail });
      await db
        .insert(webhookDeliveries)
        .values(
          subscribed.map((w) => ({
            id: newId('msg'),
            webhookId: w.id,
            tenantId,
            eventId: event.id,
            eventType: event['detail-type'],
            payload,
            status: 'pending' as const,
            nextAttemptAt: clock(),
          })),
        )
        .onConflictDoNothing();
      // First attempt right away, outside the bus's delivery (a slow receiver must not hold up other consumers).
      runDue().catch(onError);
    },
    runDue,
    start(intervalMs = 1000) {
      if (timer) return;
      timer = setInterval(() => {
        runDue().catch(onError);
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...inFlight]);
    },
  };
}

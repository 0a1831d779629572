import { randomBytes } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import { type AnalysisEventType, type Config, ConflictError, NotFoundError } from '@platescale/shared';
import { and, asc, desc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { DeliveryView, WebhookInput, WebhookView } from '../schemas/webhooks.js';
import { decodeCursor, paginate } from '../services/cursor.js';
import { newId } from '../services/ids.js';
import { urlPolicy } from './policy.js';
import { assertSafeWebhookUrl, type ResolveHost } from './ssrf.js';

const { webhooks, webhookDeliveries, webhookAttempts } = tables;
type WebhookRow = typeof webhooks.$inferSelect;

function toView(row: WebhookRow): WebhookView {
  return {
    webhookId: row.id,
    url: row.url,
    eventTypes: row.eventTypes as AnalysisEventType[],
    description: row.description,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Subscriptions and their delivery log, always scoped to one tenant. */
export function createWebhookService(deps: { db: Db; config: Config; resolveHost?: ResolveHost | undefined }) {
  const { db } = deps;
  const policy = urlPolicy(deps.config, deps.resolveHost);

  async function row(tenantId: string, id: string): Promise<WebhookRow> {
    const [r] = await db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, id), isNull(webhooks.deletedAt)));
    if (!r) throw new NotFoundError('Webhook', id);
    return r;
  }

  return {
    async create(tenantId: string, input: WebhookInput): Promise<WebhookView & { secret: string }> {
      const { url } = await assertSafeWebhookUrl(input.url, policy);
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const [r] = await db
        .insert(webhooks)
        .values({
          id: newId('wh'),
          tenantId,
          url: url.toString(),
          eventTypes: input.eventTypes,
          description: input.description ?? null,
          secret,
        })
        .returning();
      return { ...toView(r!), secret };
    },

    async get(tenantId: string, id: string): Promise<WebhookView> {
      return toView(await row(tenantId, id));
    },

    async list(tenantId: string, page: { limit: number; cursor?: string | undefined }) {
      const after = decodeCursor(page.cursor, 1);
      const rows = await db
        .select()
        .from(webhooks)
        .where(
          and(
            eq(webhooks.tenantId, tenantId),
            isNull(webhooks.deletedAt),
            after ? lt(webhooks.id, String(after[0])) : undefined,
          ),
        )
        .orderBy(desc(webhooks.id))
        .limit(page.limit + 1);
      const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
      return { items: items.map(toView), nextCursor };
    },

    /** Soft delete: the delivery log stays for audit; pending deliveries are abandoned. */
    async remove(tenantId: string, id: string): Promise<void> {
      await row(tenantId, id);
      await db.update(webhooks).set({ deletedAt: new Date(), enabled: false }).where(eq(webhooks.id, id));
      await db
        .update(webhookDeliveries)
        .set({ status: 'failed', nextAttemptAt: null, updatedAt: new Date() })
        .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, 'pending')));
    },

    async deliveries(tenantId: string, id: string, page: { limit: number; cursor?: string | undefined }) {
      await row(tenantId, id);
      const after = decodeCursor(page.cursor, 1);
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.webhookId, id), after ? lt(webhookDeliveries.id, String(after[0])) : undefined))
        .orderBy(desc(webhookDeliveries.id))
        .limit(page.limit + 1);
      const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
      const attempts = items.length
        ? await db
            .select()
            .from(webhookAttempts)
            .where(
              inArray(
                webhookAttempts.deliveryId,
                items.map((d) => d.id),
              ),
            )
            .orderBy(asc(webhookAttempts.attempt))
        : [];
      const views: DeliveryView[] = items.map((d) => ({
        deliveryId: d.id,
        webhookId: d.webhookId,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
        createdAt: d.createdAt.toISOString(),
        attempts: attempts
          .filter((a) => a.deliveryId === d.id)
          .map((a) => ({
            attempt: a.attempt,
            attemptedAt: a.attemptedAt.toISOString(),
            statusCode: a.statusCode,
            error: a.error,
            durationMs: a.durationMs,
          })),
      }));
      return { items: views, nextCursor };
    },

    /**
     * Turns a webhook back on (after the dispatcher disabled it, or as a no-op): events from now on are delivered
     * again. Deliveries that failed meanwhile stay failed; the delivery log's redeliver sends them.
     */
    async enable(tenantId: string, id: string): Promise<WebhookView> {
      const [r] = await db
        .update(webhooks)
        .set({ enabled: true, disabledReason: null })
        .where(and(eq(webhooks.tenantId, tenantId), eq(webhooks.id, id), isNull(webhooks.deletedAt)))
        .returning();
      if (!r) throw new NotFoundError('Webhook', id);
      return toView(r);
    },

    /** Manual redelivery: the delivery goes back in the queue, due now (the dispatcher loop sends it). */
    async redeliver(tenantId: string, id: string, deliveryId: string): Promise<void> {
      const hook = await row(tenantId, id);
      if (!hook.enabled)
        throw new ConflictError(`webhook ${id} is disabled: ${hook.disabledReason ?? ''}`, 'webhook_disabled');
      const updated = await db
        .update(webhookDeliveries)
        .set({ status: 'pending', nextAttemptAt: new Date(), updatedAt: new Date() })
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, id)))
        .returning({ id: webhookDeliveries.id });
      if (updated.length === 0) throw new NotFoundError('Delivery', deliveryId);
    },
  };
}

export type WebhookService = ReturnType<typeof createWebhookService>;

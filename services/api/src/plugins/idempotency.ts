import { createHash } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import { and, eq, isNull, lt } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from '../errors.js';

const { idempotencyKeys } = tables;
/** How long a key is remembered (Stripe keeps them 24 h). */
const KEY_LIFETIME_MS = 24 * 3600 * 1000;
/** A first request still unanswered after this long has died; a retry may run in its place. */
const ABANDONED_AFTER_MS = 120_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey: string | null;
  }
}

/** JSON with sorted object keys: the same body sent with its fields in another order is the same request. */
function canonical(value: unknown): string {
  if (Buffer.isBuffer(value)) return `"sha256:${createHash('sha256').update(value).digest('hex')}"`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * `Idempotency-Key` on POST: the first request with a key is recorded with its fingerprint (method, URL, body)
 * and, once answered, its response; a retry with the same key and request replays that response, a different
 * request with the key is 422, and a retry while the first is still running is 409. Only replies of requests that
 * did their work are kept (Stripe's rule): a refusal — 4xx from validation or a lookup (an experiment not created
 * yet), or a 5xx — releases the key, so the retry runs again once the cause is fixed.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance, opts: { db: Db }) => {
    const { db } = opts;
    app.decorateRequest('idempotencyKey', null);

    app.addHook('preHandler', async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
      const tenantId = request.principal.tenantId;
      const requestHash = createHash('sha256')
        .update(`${request.method} ${request.url}\n${canonical(request.body ?? null)}`)
        .digest('hex');
      const where = and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.key, key));
      // Expired keys (any tenant's) go on the way: the table holds one day of POSTs, no sweeper needed.
      await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, new Date(Date.now() - KEY_LIFETIME_MS)));
      const inserted = await db
        .insert(idempotencyKeys)
        .values({ tenantId, key, requestHash })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (inserted.length > 0) {
        request.idempotencyKey = key;
        return;
      }
      const [prior] = await db.select().from(idempotencyKeys).where(where);
      if (!prior) throw new IdempotencyInProgressError(key);
      if (prior.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
      if (prior.statusCode === null) {
        if (Date.now() - prior.createdAt.getTime() < ABANDONED_AFTER_MS) throw new IdempotencyInProgressError(key);
        // The first request died before answering (process crash): this retry takes its place, once.
        const [taken] = await db
          .update(idempotencyKeys)
          .set({ createdAt: new Date() })
          .where(
            and(
              where,
              isNull(idempotencyKeys.statusCode),
              lt(idempotencyKeys.createdAt, new Date(Date.now() - ABANDONED_AFTER_MS)),
            ),
          )
          .returning({ key: idempotencyKeys.key });
        if (!taken) throw new IdempotencyInProgressError(key);
        request.idempotencyKey = key;
        return;
      }
      return reply
        .code(prior.statusCode)
        .header('content-type', prior.contentType ?? 'application/json; charset=utf-8')
        .header('idempotent-replayed', 'true')
        .send(prior.responseBody ?? '');
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.idempotencyKey;
      if (!key || !request.principal) return payload;
      request.idempotencyKey = null;
      const where = and(eq(idempotencyKeys.tenantId, request.principal.tenantId), eq(idempotencyKeys.key, key));
      if (reply.statusCode >= 400) {
        await db.delete(idempotencyKeys).where(where);
      } else {
        const contentType = reply.getHeader('content-type');
        await db
          .update(idempotencyKeys)
          .set({
            statusCode: reply.statusCode,
            responseBody: typeof payload === 'string' ? payload : String(payload ?? ''),
            contentType: typeof contentType === 'string' ? contentType : null,
          })
          .where(where);
      }
      return payload;
    });
  },
  { name: 'platescale-idempotency', dependencies: ['platescale-auth'] },
);

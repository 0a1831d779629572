import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';
import { bearerToken } from './auth.js';

export interface SecurityOptions {
  /** Requests per API key (per client address on public routes) per minute. */
  ratePerMinute: number;
  /** Requests per client address per minute that carry no remembered key: no key, an invalid one, a first use. */
  unauthenticatedPerMinute: number;
  /** Whether a token is a key verified moments ago (no database lookup ahead for it). */
  isRememberedKey: (token: string | undefined) => boolean;
  /** Shared counters across API instances; the in-memory store otherwise. */
  redis?: Redis | undefined;
  keyPrefix: string;
}

/**
 * Security headers and two rate limits. Every request without a key verified in the last few seconds (no key, a
 * made-up or revoked one, a key's first use) is counted per client address before authentication, so a flood of
 * random tokens is refused before it costs a database lookup each. Authenticated requests are then counted per
 * key (the route-level hook runs after authentication). A Redis outage lets requests through rather than failing
 * them.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, opts: SecurityOptions) => {
    await app.register(helmet, { global: true });
    await app.register(rateLimit, {
      global: true,
      max: opts.ratePerMinute,
      timeWindow: 60_000,
      ...(opts.redis ? { redis: opts.redis, nameSpace: `${opts.keyPrefix}ratelimit:` } : {}),
      skipOnError: true,
      keyGenerator: (request) => (request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip}`),
      errorResponseBuilder: (_request, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
    });
    const unauthenticated = app.createRateLimit({
      max: opts.unauthenticatedPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => `unauthenticated:${request.ip}`,
    });
    app.addHook('onRequest', async (request, reply) => {
      if (opts.isRememberedKey(bearerToken(request))) return;
      const limit = await unauthenticated(request);
      if (!limit.isAllowed && limit.isExceeded) {
        reply.header('retry-after', limit.ttlInSeconds);
        throw new RateLimitedError(limit.ttlInSeconds);
      }
    });
  },
  { name: 'platescale-security' },
);

import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors.js';
import { bearerToken } from './auth.js';

export interface SecurityOptions {
  /** Requests per API key (or per client IP without a key) per minute. */
  ratePerMinute: number;
  /** Shared counters across API instances; the in-memory store otherwise. */
  redis?: Redis | undefined;
  keyPrefix: string;
}

/** Security headers and per-key rate limits. A Redis outage lets requests through rather than failing them. */
export const securityPlugin = fp(
  async (app: FastifyInstance, opts: SecurityOptions) => {
    await app.register(helmet, { global: true });
    await app.register(rateLimit, {
      global: true,
      max: opts.ratePerMinute,
      timeWindow: 60_000,
      ...(opts.redis ? { redis: opts.redis, nameSpace: `${opts.keyPrefix}ratelimit:` } : {}),
      skipOnError: true,
      keyGenerator: (request) => {
        const token = bearerToken(request);
        return token ? `key:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
    });
  },
  { name: 'platescale-security' },
);

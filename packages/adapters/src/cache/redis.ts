import type { Cache } from '@platescale/shared';
import { Redis } from 'ioredis';
import type { AdapterLogger } from '../logger.js';
import { assertTtl } from './ttl.js';

export interface RedisCacheOptions {
  /** Upper bound a command may add to a request while Redis is slow or down. */
  commandTimeoutMs?: number;
  logger?: AdapterLogger;
}

/**
 * The Redis cache (ElastiCache on AWS). A cache is an optimisation, so a Redis outage degrades to misses
 * instead of failing requests: `get` answers undefined, `set`/`delete` are dropped (entries are short-lived,
 * so a missed invalidation ages out), and the outage is logged once. Connection is lazy and every command is
 * bounded by a short timeout while ioredis keeps reconnecting in the background.
 */
export function createRedisCache(url: string, prefix: string, opts: RedisCacheOptions = {}): Cache {
  const logger = opts.logger ?? console;
  const redis = new Redis(url, {
    keyPrefix: prefix,
    lazyConnect: true,
    connectTimeout: 1_000,
    commandTimeout: opts.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let healthy = true;
  const degraded = (err: unknown) => {
    if (healthy) logger.warn({ err, url: redactUrl(url) }, 'redis cache unavailable; serving without cache');
    healthy = false;
  };
  redis.on('error', degraded);
  redis.on('ready', () => {
    healthy = true;
  });

  return {
    async get(key) {
      try {
        return (await redis.get(key)) ?? undefined;
      } catch (err) {
        degraded(err);
        return undefined;
      }
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      await redis.set(key, value, 'EX', ttlSeconds).catch(degraded);
    },
    async delete(key) {
      await redis.del(key).catch(degraded);
    },
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

import type { Cache } from '@platescale/shared';
import type { FastifyBaseLogger } from 'fastify';

/**
 * The cache is an accelerator, never a dependency: when it fails (Redis down) reads fall through to the database
 * and writes are skipped, so the API keeps answering, slower. /health/ready reports the cache as down.
 */
export function createSafeCache(cache: Cache, log: FastifyBaseLogger) {
  const warn = (op: string, key: string) => (err: unknown) => {
    log.warn({ err, key }, `cache ${op} failed; continuing without the cache`);
    return undefined;
  };
  return {
    async readThrough<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
      const hit = await cache.get(key).catch(warn('get', key));
      if (hit !== undefined) return JSON.parse(hit) as T;
      const value = await load();
      // Absent things are not cached: creating them must not wait for a TTL.
      if (value === null || value === undefined) return value;
      await cache.set(key, JSON.stringify(value), ttlSeconds).catch(warn('set', key));
      return value;
    },
    async invalidate(key: string): Promise<void> {
      await cache.delete(key).catch(warn('delete', key));
    },
  };
}

export type SafeCache = ReturnType<typeof createSafeCache>;

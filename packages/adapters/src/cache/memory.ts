import type { Cache } from '@platescale/shared';
import { assertTtl } from './ttl.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryCacheOptions {
  /** How often expired entries are swept (they are also dropped on read). */
  sweepIntervalMs?: number;
  /** Injectable clock for tests. */
  now?: () => number;
}

/**
 * The embedded cache. Same TTL semantics as Redis: an expired entry is never returned, and a periodic sweep
 * frees entries nobody reads again. The sweep timer is unref'd so it never keeps the process alive.
 */
export function createMemoryCache(opts: MemoryCacheOptions = {}): Cache & { readonly heldEntries: number } {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const sweep = () => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  };
  let timer: NodeJS.Timeout | undefined = setInterval(sweep, opts.sweepIntervalMs ?? 30_000);
  timer.unref();

  return {
    /** Entries in memory, expired ones included until a read or the sweep drops them. */
    get heldEntries() {
      return entries.size;
    },
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    async set(key, value, ttlSeconds) {
      assertTtl(ttlSeconds);
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    async delete(key) {
      entries.delete(key);
    },
    async ping() {
      return true;
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      entries.clear();
    },
  };
}

/** A string key/value cache with per-entry TTL. Adapters: in-memory (embedded) and Redis. */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds` (> 0); the entry is gone after that, in every adapter. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Resolves true when the backend answers; never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

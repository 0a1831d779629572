import { InvalidTtlError } from '../errors.js';

export function assertTtl(ttlSeconds: number): void {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) throw new InvalidTtlError(ttlSeconds);
}

import { PlatescaleError } from '@platescale/shared';

/**
 * What a failure says: an expected one — bad input, a server that stays away, a missing file or a refused
 * connection (an error of ours, or a system error with a code) — in one line; anything else is a bug and keeps its
 * stack trace.
 */
export function failureMessage(err: unknown): string {
  if (err instanceof PlatescaleError) return err.message;
  if (err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string') return err.message;
  return (err as Error)?.stack ?? String(err);
}

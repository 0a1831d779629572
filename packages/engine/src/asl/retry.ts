import { States } from '../errors.js';
import type { Retrier } from './types.js';

/** Errors a wildcard never matches: they describe a broken definition or payload, not a failed task. */
const TERMINAL = new Set<string>([States.Runtime, States.DataLimitExceeded]);

/** ErrorEquals matching, with Step Functions' wildcards (`States.ALL`, `States.TaskFailed`). */
export function errorMatches(errorEquals: string[], error: string): boolean {
  if (errorEquals.includes(error)) return true;
  if (TERMINAL.has(error)) return false;
  if (errorEquals.includes(States.ALL)) return true;
  return errorEquals.includes(States.TaskFailed) && error !== States.Timeout;
}

/**
 * The delay before retry number `attempt` (0-based) of `retrier`, in milliseconds, or undefined when the
 * retrier's MaxAttempts are used up. IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds,
 * then (JitterStrategy FULL) drawn uniformly from [0, delay).
 */
export function retryDelayMs(
  retrier: Retrier,
  attempt: number,
  random: () => number = Math.random,
): number | undefined {
  const maxAttempts = retrier.MaxAttempts ?? 3;
  if (attempt >= maxAttempts) return undefined;
  let seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  if (retrier.JitterStrategy === 'FULL') seconds *= random();
  return seconds * 1000;
}

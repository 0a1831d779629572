import { PlatescaleError } from '@platescale/shared';

/** Base of the runtime package's errors. */
export class RuntimeError extends PlatescaleError {}

/**
 * A segmenter worker thread died under a batch (exited, aborted, ran out of memory). Named as Lambda names the
 * error of a function whose runtime exited, so the state machine's Retry can cover it; the pool replaces the worker.
 */
export class WorkerCrashedError extends RuntimeError {
  constructor(cause: unknown) {
    super(`the segmenter worker died under the batch: ${(cause as Error)?.message ?? String(cause)}`, {
      code: 'worker_crashed',
      status: 503,
      retryable: true,
      cause,
    });
    this.name = 'Runtime.ExitError';
  }
}

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { WorkerCrashedError } from './errors.js';

export interface SegmenterPoolOptions {
  threads?: number;
  /** Old-generation heap of each worker (MB): a runaway batch then kills its worker, not the process. */
  maxHeapMb?: number;
  /** The worker module (default ./segmenter-worker.mjs); fault-injection tests wrap it. */
  filename?: URL;
  /** Told about a worker that died with no batch on it (the pool replaces it). */
  onError?: (err: unknown) => void;
}

/** How piscina reports a worker that died under a task (exit, abort) or hit its heap limit. */
function isWorkerDeath(err: unknown): boolean {
  const e = err as { message?: string; code?: string };
  return /^worker exited with code/.test(e?.message ?? '') || e?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * The segmenter's Lambda handler on a worker-thread pool sized to the cores: each worker loads the ONNX session
 * once and keeps it, like a warm Lambda container. Workers see the runtime's environment, so they build the same
 * object store as the process that owns the pool. A worker that dies under a batch fails that batch with
 * WorkerCrashedError (retryable, as the state machine's Retry says) and piscina starts a replacement.
 */
export function createSegmenterPool(env: NodeJS.ProcessEnv, opts: SegmenterPoolOptions = {}) {
  const threads = opts.threads ?? availableParallelism();
  const pool = new Piscina({
    filename: (opts.filename ?? new URL('./segmenter-worker.mjs', import.meta.url)).href,
    minThreads: 1,
    maxThreads: threads,
    // One batch at a time per worker: batches are CPU-bound, queueing happens in the engine's scheduler.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    env: { ...env },
    ...(opts.maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: opts.maxHeapMb } } : {}),
  });
  // Without a listener, a worker dying between batches would be an unhandled 'error' event: the process would exit.
  pool.on('error', opts.onError ?? ((err: unknown) => process.emitWarning(`segmenter worker died: ${String(err)}`)));
  return {
    threads,
    invoke: async (payload: unknown): Promise<unknown> => {
      try {
        return await pool.run(payload);
      } catch (err) {
        throw isWorkerDeath(err) ? new WorkerCrashedError(err) : err;
      }
    },
    close: () => pool.destroy(),
  };
}

import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';

/**
 * The segmenter's Lambda handler on a worker-thread pool sized to the cores: each worker loads the ONNX session
 * once and keeps it, like a warm Lambda container. Workers see the runtime's environment, so they build the same
 * object store as the process that owns the pool.
 */
export function createSegmenterPool(env: NodeJS.ProcessEnv, threads = availableParallelism()) {
  const pool = new Piscina({
    filename: new URL('./segmenter-worker.mjs', import.meta.url).href,
    minThreads: 1,
    maxThreads: threads,
    // One batch at a time per worker: batches are CPU-bound, queueing happens in the engine's scheduler.
    concurrentTasksPerWorker: 1,
    idleTimeout: 60_000,
    env: { ...env },
  });
  return {
    threads,
    invoke: (payload: unknown): Promise<unknown> => pool.run(payload),
    close: () => pool.destroy(),
  };
}

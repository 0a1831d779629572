import { Piscina } from 'piscina';
import { fromErrorData } from '../errors.js';
import type { TrainingResult } from '../train.js';
import type { PreviewRequest, TrainerCompute, TrainingFiles, TrainingOptions } from './port.js';
import type { ComputeReply, ComputeTask } from './worker.js';

/** The worker module (`.js` once staged into an image); the `.mjs` entry registers tsx, then loads it. */
export const computeWorkerUrl = new URL('./worker.ts', import.meta.url);

/**
 * Training and previews on a worker thread, so the API's event loop keeps answering while onnxruntime runs the
 * filter bank on the calling thread (measured in process: stalls of ~70 ms per 512² image, 16× that at 2048²).
 * One thread by default: onnxruntime already spreads one session over the cores; tasks queue. The thread starts
 * with the first task (~1–2 s: tsx, sharp, onnxruntime load) and stays for 15 minutes idle, so a scientist painting,
 * training and previewing pays that once per session, and an idle API holds no thread.
 */
export function createComputePool(opts: { threads?: number; idleTimeoutMs?: number } = {}): TrainerCompute {
  const pool = new Piscina({
    filename: new URL('./worker.mjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: opts.threads ?? 1,
    idleTimeout: opts.idleTimeoutMs ?? 15 * 60_000,
  });
  async function run<T>(task: ComputeTask): Promise<T> {
    const reply: ComputeReply = await pool.run(task);
    if (!reply.ok) throw fromErrorData(reply.error);
    return reply.value as T;
  }
  return {
    train: (images: TrainingFiles[], options: TrainingOptions) =>
      run<{ bytes: Uint8Array; result: TrainingResult }>({ op: 'train', images, options }),
    preview: async (request: PreviewRequest) => Buffer.from(await run<Uint8Array>({ op: 'preview', request })),
    close: () => pool.destroy(),
  };
}

import type { Db } from '@platescale/db';
import type { ObjectStore } from '@platescale/shared';
import type { ModelService, TrainerCompute } from '@platescale/trainer';
import { lazy } from '../../services/lazy.js';

/** The model service, built when the first `/v1/models` request needs it. */
export type LoadModelService = () => Promise<ModelService>;

/**
 * The trainer (TensorFlow.js, onnxruntime, sharp: ~200 MB of RSS) is imported by the first `/v1/models` request,
 * so an API that never teaches a model never holds it. `close()` stops the compute pool if one was started.
 */
export function lazyModelService(deps: { db: Db; objects: ObjectStore }): {
  load: LoadModelService;
  close(): Promise<void>;
} {
  let compute: TrainerCompute | undefined;
  const load = lazy(async () => {
    const { createComputePool, createModelService } = await import('@platescale/trainer');
    // Training and previews run on a worker thread: onnxruntime would otherwise hold this event loop.
    compute ??= createComputePool();
    return createModelService({ ...deps, compute });
  });
  return { load, close: async () => compute?.close() };
}

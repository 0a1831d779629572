import { ObjectNotFoundError, type ObjectStore, ValidationError } from '@platescale/shared';
import { lazy } from './lazy.js';

/**
 * Whether a model a job names can run, checked at submission rather than by failing every image: the model is
 * loaded (an onnxruntime session: the segmenter's own contract check, no inference) and must not take more
 * channels than the experiment has. Loaded models are kept by key and ETag, so resubmitting one costs a HEAD.
 * The segmentation core (onnxruntime, sharp) is loaded by the first job that names a model.
 */
export function createModelCheck(objects: ObjectStore) {
  const segmentation = lazy(async () => {
    const { ModelCache, ModelContractError } = await import('@platescale/segmentation');
    return { models: new ModelCache(), ModelContractError };
  });
  return async (key: string, field: string, experimentChannels: readonly string[]): Promise<void> => {
    const { models, ModelContractError } = await segmentation();
    let channels: number;
    try {
      ({ channels } = await models.get(objects, key));
    } catch (err) {
      if (err instanceof ModelContractError || err instanceof ObjectNotFoundError) {
        throw new ValidationError(`${field}: ${err.message}`, field);
      }
      throw err;
    }
    if (channels > experimentChannels.length) {
      throw new ValidationError(
        `${field}: the model takes ${channels} channels, the experiment has ${experimentChannels.length} (${experimentChannels.join(', ')})`,
        field,
      );
    }
  };
}

export type ModelCheck = ReturnType<typeof createModelCheck>;

import { ModelCache, ModelContractError } from '@platescale/segmentation';
import { ObjectNotFoundError, type ObjectStore, ValidationError } from '@platescale/shared';

/**
 * Whether a model a job names can run, checked at submission rather than by failing every image: the model is
 * loaded (an onnxruntime session: the segmenter's own contract check, no inference) and must not take more
 * channels than the experiment has. Loaded models are kept by key and ETag, so resubmitting one costs a HEAD.
 */
export function createModelCheck(objects: ObjectStore) {
  const models = new ModelCache();
  return async (key: string, field: string, experimentChannels: readonly string[]): Promise<void> => {
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

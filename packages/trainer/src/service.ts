import type { Db } from '@platescale/db';
import { ObjectNotFoundError, type ObjectStore } from '@platescale/shared';
import type { ClassifierKind } from './classifier/head.js';
import { inProcessCompute } from './compute/in-process.js';
import type { TrainerCompute, TrainingFiles } from './compute/port.js';
import { TrainingInputError } from './errors.js';
import type { Normalization } from './features/normalize.js';
import type { ImageFile } from './images.js';
import { createModelRegistry, type ModelRow } from './registry.js';

/** Training images named by object key: one key per channel (by channel name) plus the label image's key. */
export interface TrainingSpec {
  name: string;
  classes: string[];
  channels: string[];
  foreground?: string;
  objects?: string;
  normalization?: Normalization;
  seed?: number;
  /**
   * 'nuclei': fine-tune the default nuclei network on the strokes (one channel; classes background, the objects and
   * optionally 'boundary'); 'none' (default): a filter bank and a classifier trained from scratch.
   */
  base?: 'nuclei' | 'none';
  /** Typical nucleus diameter (px) of the training images ('nuclei'); estimated per image when absent. */
  objectDiameter?: number;
  /** 'mlp' (default) or 'forest'. */
  classifier?: ClassifierKind;
  /** Hidden units of the MLP. */
  hidden?: number;
  /** Trees of the forest. */
  trees?: number;
  images: { channels: Record<string, string>; labels: string }[];
}

export interface ModelService {
  train(tenantId: string, spec: TrainingSpec): Promise<ModelRow>;
  get(tenantId: string, id: string): Promise<ModelRow>;
  list(tenantId: string, opts: { limit: number; after?: string | undefined }): Promise<ModelRow[]>;
  /** The model's ONNX file. */
  file(tenantId: string, id: string): Promise<Buffer>;
  /** One image (object keys by channel, or the bytes of a single-channel image) → PNG. */
  preview(
    tenantId: string,
    id: string,
    image: { channels: Record<string, string> } | ImageFile,
    kind: 'probability' | 'mask',
  ): Promise<Buffer>;
}

/** `compute` defaults to in process; the API passes a worker-thread pool (`createComputePool`). */
export function createModelService(deps: { db: Db; objects: ObjectStore; compute?: TrainerCompute }): ModelService {
  const registry = createModelRegistry(deps);
  const { objects } = deps;
  const compute = deps.compute ?? inProcessCompute;

  /** Reads a key named in a request; a missing object is the request's fault (400), not a missing resource. */
  async function read(key: string, field: string): Promise<ImageFile> {
    try {
      return { name: key, bytes: await objects.get(key) };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new TrainingInputError(`object '${key}' does not exist`, field);
      throw err;
    }
  }

  function channelKeys(keys: Record<string, string>, channels: string[], field: string): string[] {
    return channels.map((c) => {
      const key = keys[c];
      if (key === undefined) throw new TrainingInputError(`no image for channel '${c}'`, `${field}.${c}`);
      return key;
    });
  }

  return {
    async train(tenantId, spec) {
      const files: TrainingFiles[] = [];
      for (const [i, image] of spec.images.entries()) {
        const keys = channelKeys(image.channels, spec.channels, `images.${i}.channels`);
        files.push({
          channels: await Promise.all(keys.map((k, c) => read(k, `images.${i}.channels.${spec.channels[c]}`))),
          labels: await read(image.labels, `images.${i}.labels`),
        });
      }
      const { bytes, result } = await compute.train(files, spec);
      const trainingImages = spec.images.map((image) => channelKeys(image.channels, spec.channels, 'images').join('+'));
      return registry.register(tenantId, { name: spec.name, bytes, result, trainingImages });
    },

    get: registry.get,
    list: registry.list,

    async file(tenantId, id) {
      return registry.bytes(await registry.get(tenantId, id));
    },

    async preview(tenantId, id, image, kind) {
      const row = await registry.get(tenantId, id);
      let files: ImageFile[];
      if ('bytes' in image) {
        if (row.channels.length !== 1) {
          throw new TrainingInputError(
            `model '${id}' takes ${row.channels.length} channels; send object keys for each (${row.channels.join(', ')})`,
            'channels',
          );
        }
        files = [image];
      } else {
        const keys = channelKeys(image.channels, row.channels, 'channels');
        files = await Promise.all(keys.map((k, c) => read(k, `channels.${row.channels[c]}`)));
      }
      return compute.preview({
        model: await registry.bytes(row),
        files,
        channels: row.channels.length,
        kind,
        foreground: row.classes.indexOf(row.foregroundClass),
      });
    },
  };
}

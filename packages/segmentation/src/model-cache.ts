import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ObjectStore } from '@platescale/shared';
import { loadModel, type SegmentationModel } from './model.js';

/** The default model file: trained by the trainer (scripts/build-base-model.ts) and shipped with the segmenter. */
export const DEFAULT_MODEL_PATH = new URL('../models/nuclei-default.onnx', import.meta.url);

/**
 * Sessions are expensive (graph optimisation, allocations), so each worker keeps one per model content hash.
 * A model key is resolved through its ETag, so a replaced object is reloaded while an unchanged one is not
 * downloaded again.
 */
export class ModelCache {
  private readonly byHash = new Map<string, Promise<SegmentationModel>>();
  private readonly byKey = new Map<string, Promise<SegmentationModel>>();

  /** `modelKey` null → the default model. Object-store errors propagate (UnavailableError is retried). */
  async get(store: ObjectStore, modelKey: string | null): Promise<SegmentationModel> {
    if (modelKey === null) return this.memo(this.byKey, 'default', () => this.fromFile(DEFAULT_MODEL_PATH));
    const info = await store.head(modelKey);
    const cacheKey = `${store.bucket}/${modelKey}@${info?.etag ?? 'missing'}`;
    return this.memo(this.byKey, cacheKey, async () => this.fromBytes(modelKey, await store.get(modelKey)));
  }

  /** Loads a model from a local file (CLI, benchmark). */
  fromFile(path: string | URL): Promise<SegmentationModel> {
    return readFile(path).then((bytes) => this.fromBytes(String(path), bytes));
  }

  /** Loads a model from its bytes (cached by content hash). */
  fromBytes(name: string, bytes: Uint8Array): Promise<SegmentationModel> {
    const hash = createHash('sha256').update(bytes).digest('hex');
    return this.memo(this.byHash, hash, () => loadModel(name, bytes));
  }

  private memo(
    map: Map<string, Promise<SegmentationModel>>,
    key: string,
    load: () => Promise<SegmentationModel>,
  ): Promise<SegmentationModel> {
    let p = map.get(key);
    if (!p) {
      p = load();
      // A failed load is not cached: the next batch tries again (the object may have been fixed).
      p.catch(() => map.delete(key));
      map.set(key, p);
    }
    return p;
  }
}

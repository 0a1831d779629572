import {
  analyzeImageSet,
  DEFAULT_SEGMENTER_OPTIONS,
  encodeMask,
  encodeObjects,
  ImageDecodeError,
  ModelCache,
  type SegmentationModel,
  type SegmenterOptions,
} from '@platescale/segmentation';
import {
  type ImageResult,
  type ImageSet,
  ObjectNotFoundError,
  type ObjectStore,
  PlatescaleError,
  type SegmentBatchEvent,
  type SegmentBatchInput,
  type SegmentBatchResult,
  UnavailableError,
} from '@platescale/shared';
import { outputKeys } from './output-keys.js';
import { fitPayload } from './payload.js';

export interface SegmentHandlerOptions extends SegmenterOptions {
  /** Write the per-object table and the label mask of every image set to the object store. */
  writeOutputs: boolean;
}

export const DEFAULT_SEGMENT_HANDLER_OPTIONS: SegmentHandlerOptions = {
  ...DEFAULT_SEGMENTER_OPTIONS,
  writeOutputs: true,
};

export interface SegmentHandlerDeps {
  objects: ObjectStore;
  /** Shared across handlers of one worker; a new cache per handler otherwise. */
  models?: ModelCache;
  options?: Partial<SegmentHandlerOptions>;
}

/** Errors that a retry can fix leave the handler (the ASL retries UnavailableError); anything else fails one item. */
function rethrowIfRetryable(err: unknown): void {
  if (err instanceof PlatescaleError && err.retryable) throw err;
}

async function readImage(store: ObjectStore, key: string): Promise<Buffer> {
  try {
    return await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) throw new ImageDecodeError(key, 'image file is missing', err);
    if (err instanceof PlatescaleError) throw err;
    throw new UnavailableError(`object store read of '${key}' failed: ${(err as Error).message}`, err);
  }
}

async function processImageSet(
  store: ObjectStore,
  model: SegmentationModel,
  batch: SegmentBatchInput,
  set: ImageSet,
  opts: SegmentHandlerOptions,
): Promise<ImageResult> {
  const started = performance.now();
  const files = await Promise.all(
    Object.entries(set.images).map(async ([channel, key]) => ({
      channel,
      file: key,
      bytes: await readImage(store, key),
    })),
  );
  const { segmentation, measurements } = await analyzeImageSet(model, files, batch.segmentationChannel, {
    ...opts,
    ...(batch.objectDiameter ? { objectDiameter: batch.objectDiameter } : {}),
  });
  const keys = opts.writeOutputs ? outputKeys(batch.resultsPrefix, set) : undefined;
  if (keys) {
    const writes = await Promise.allSettled([
      store.put(keys.objectsKey, encodeObjects(segmentation), { contentType: 'application/x-ndjson' }),
      encodeMask(segmentation).then((png) => store.put(keys.maskKey, png, { contentType: 'image/png' })),
    ]);
    const failed = writes.find((w) => w.status === 'rejected');
    if (failed) {
      // A failed image set leaves no outputs: one of the pair alone (a full disk took the other) would be an
      // orphan that no image row points to.
      await Promise.allSettled([store.delete(keys.objectsKey), store.delete(keys.maskKey)]);
      throw failed.reason;
    }
  }
  return {
    plate: set.plate,
    well: set.well,
    field: set.field,
    ok: true,
    ...measurements,
    objectDiameter: Math.round(segmentation.diameter * 100) / 100,
    diameterSource: segmentation.diameterSource,
    ...keys,
    seconds: Math.round(performance.now() - started) / 1000,
  };
}

function failure(set: ImageSet, err: unknown): ImageResult {
  const e = err as Error;
  return {
    plate: set.plate,
    well: set.well,
    field: set.field,
    ok: false,
    error: { type: e?.name ?? 'Error', message: e?.message ?? String(err) },
  };
}

/**
 * The segmenter Lambda's logic: each image set of the batch is read, segmented and measured; a bad image set
 * (missing, corrupt, too large, inconsistent) becomes an ImageFailure and never fails the batch, while an
 * unavailable object store throws UnavailableError so the Map retries the batch.
 */
export function createSegmentHandler(
  deps: SegmentHandlerDeps,
): (event: SegmentBatchEvent) => Promise<SegmentBatchResult> {
  const models = deps.models ?? new ModelCache();
  const opts: SegmentHandlerOptions = { ...DEFAULT_SEGMENT_HANDLER_OPTIONS, ...deps.options };
  return async (event) => {
    const store = deps.objects.withBucket(event.BatchInput.bucket);
    let model: SegmentationModel | undefined;
    let modelError: unknown;
    try {
      model = await models.get(store, event.BatchInput.modelKey);
    } catch (err) {
      rethrowIfRetryable(err);
      modelError = err;
    }
    const results: ImageResult[] = [];
    for (const set of event.Items) {
      if (!model) {
        results.push(failure(set, modelError));
        continue;
      }
      try {
        results.push(await processImageSet(store, model, event.BatchInput, set, opts));
      } catch (err) {
        rethrowIfRetryable(err);
        results.push(failure(set, err));
      }
    }
    return { results: fitPayload(results) };
  };
}

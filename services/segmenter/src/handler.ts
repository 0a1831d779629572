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
import { decodeImage } from './decode.js';
import { ImageDecodeError, ImageSetError } from './errors.js';
import type { ChannelImage } from './measure.js';
import type { SegmentationModel } from './model.js';
import { ModelCache } from './model-cache.js';
import { encodeMask, encodeObjects, outputKeys } from './outputs.js';
import { fitPayload } from './payload.js';
import { DEFAULT_SEGMENT_OPTIONS, type SegmentOptions, segmentImageSet } from './segment.js';
import { summarize } from './summary.js';

export interface SegmenterOptions extends SegmentOptions {
  /** Images over this many pixels fail their item (decompression-bomb guard). */
  maxPixels: number;
  /** Page of multi-page TIFFs to segment. */
  page: number;
  /** Write the per-object table and the label mask of every image set to the object store. */
  writeOutputs: boolean;
}

export const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  ...DEFAULT_SEGMENT_OPTIONS,
  maxPixels: 64 * 1024 * 1024,
  page: 0,
  writeOutputs: true,
};

export interface SegmentHandlerDeps {
  objects: ObjectStore;
  /** Shared across handlers of one worker; a new cache per handler otherwise. */
  models?: ModelCache;
  options?: Partial<SegmenterOptions>;
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
  opts: SegmenterOptions,
): Promise<ImageResult> {
  const started = performance.now();
  const segKey = set.images[batch.segmentationChannel];
  if (!segKey) {
    throw new ImageSetError(
      `image set has no '${batch.segmentationChannel}' channel (has: ${Object.keys(set.images).join(', ')})`,
    );
  }
  const names = Object.keys(set.images);
  const decoded = await Promise.all(
    names.map(async (name) => {
      const key = set.images[name]!;
      return { name, key, image: await decodeImage(key, await readImage(store, key), opts) };
    }),
  );
  const { width, height } = decoded.find((d) => d.key === segKey)!.image;
  const odd = decoded.find((d) => d.image.width !== width || d.image.height !== height);
  if (odd) {
    throw new ImageSetError(
      `'${odd.key}' is ${odd.image.width}x${odd.image.height}, the segmentation channel is ${width}x${height}`,
    );
  }
  const channels: ChannelImage[] = decoded.map((d) => ({
    name: d.name,
    data: d.image.data,
    scale: 1 / d.image.maxValue,
  }));
  const seg = await segmentImageSet(
    model,
    channels[names.indexOf(batch.segmentationChannel)]!,
    channels,
    width,
    height,
    opts,
  );
  const m = summarize(seg.table, seg.objects, names);
  const keys = opts.writeOutputs ? outputKeys(batch.resultsPrefix, set) : undefined;
  if (keys) {
    await Promise.all([
      store.put(keys.objectsKey, encodeObjects(seg), { contentType: 'application/x-ndjson' }),
      encodeMask(seg).then((png) => store.put(keys.maskKey, png, { contentType: 'image/png' })),
    ]);
  }
  return {
    plate: set.plate,
    well: set.well,
    field: set.field,
    ok: true,
    ...m,
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
  const opts: SegmenterOptions = { ...DEFAULT_SEGMENTER_OPTIONS, ...deps.options };
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

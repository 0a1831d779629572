/**
 * @platescale/segmenter — decode image sets, run an ONNX segmentation model, split and measure objects.
 * Entry points: `createSegmentHandler` (the Lambda logic), `segmenterWorkerUrl` (the piscina worker module,
 * default export = one batch), `src/lambda.ts` (`handler`, the AWS entry).
 */

export { decodeImage, type GreyImage, toUnitFloat } from './decode.js';
export { ImageDecodeError, ImageSetError, ImageTooLargeError, ModelContractError, SegmenterError } from './errors.js';
export { type Agreement, matchObjects } from './evaluate.js';
export {
  createSegmentHandler,
  DEFAULT_SEGMENTER_OPTIONS,
  type SegmenterOptions,
  type SegmentHandlerDeps,
} from './handler.js';
export { type ChannelImage, INTENSITY_FEATURES, type ObjectTable, SHAPE_FEATURES } from './measure.js';
export { MODEL_METADATA } from './metadata.js';
export { GRAPH_OPTIMIZATION_LEVEL, type SegmentationModel, type ThresholdMethod } from './model.js';
export { DEFAULT_MODEL_PATH, ModelCache } from './model-cache.js';
export { DEFAULT_SEGMENT_OPTIONS, type Segmentation, type SegmentOptions, segmentImageSet } from './segment.js';
export { type ImageMeasurements, objectsToJsonl, round, summarize } from './summary.js';

/** The module a piscina pool loads (default export: SegmentBatchEvent → SegmentBatchResult). */
export const segmenterWorkerUrl = new URL('./worker.ts', import.meta.url);

/**
 * @platescale/segmentation — the segmentation core: decode channel images, run an ONNX segmentation model,
 * separate touching objects, measure every object on every channel. It does no I/O beyond the bytes it is
 * given; services/segmenter (Lambda and local worker), the trainer and the CLI build on it.
 */

export { type DecodeOptions, decodeImage, type GreyImage, toUnitFloat } from './decode.js';
export {
  blobDiameter,
  DIAMETER_CALIBRATION,
  type DiameterEstimate,
  estimateDiameter,
  OBJECT_DIAMETER_RANGE,
} from './diameter.js';
export {
  ImageDecodeError,
  ImageSetError,
  ImageTooLargeError,
  ModelContractError,
  SegmentationError,
} from './errors.js';
export {
  type Agreement,
  DSB_THRESHOLDS,
  matchObjects,
  type ObjectScores,
  type SetScores,
  scoreObjects,
  summarizeScores,
} from './evaluate.js';
export {
  analyzeImageSet,
  type ChannelFile,
  DEFAULT_SEGMENTER_OPTIONS,
  type ImageSetAnalysis,
  type SegmenterOptions,
} from './image-set.js';
export { type ChannelImage, INTENSITY_FEATURES, type ObjectTable, SHAPE_FEATURES } from './measure.js';
export { MODEL_METADATA } from './metadata.js';
export {
  GRAPH_OPTIMIZATION_LEVEL,
  INSTANCE_CLASSES,
  loadModel,
  optimizationLevel,
  type SegmentationModel,
  type ThresholdMethod,
} from './model.js';
export { DEFAULT_MODEL_PATH, ModelCache } from './model-cache.js';
export {
  HIGH_PERCENTILE,
  LOW_PERCENTILE,
  MIN_RANGE_IN_NOISE_SIGMAS,
  type Normalization,
  normalizationOf,
  normalizeImage,
} from './normalize.js';
export { encodeMask, encodeObjects } from './outputs.js';
export { resample, scaledSize } from './resample.js';
export {
  classesDiameter,
  classPlanes,
  DEFAULT_SEGMENT_OPTIONS,
  type DiameterSource,
  type Segmentation,
  type SegmentOptions,
  segmentImageSet,
} from './segment.js';
export { type ImageMeasurements, objectsToJsonl, round, summarize } from './summary.js';

import type { PlateFormat } from './wells.js';

/** One field of view: the channel images that were acquired together. Keys are object keys in the job's bucket. */
export interface ImageSet {
  plate: string;
  well: string;
  field: number;
  /** channel name → object key */
  images: Record<string, string>;
}

export interface ExperimentSpec {
  experimentId: string;
  plateFormat: PlateFormat;
  /** Object-key prefix under which every image of the experiment lives (ends with '/'). */
  imagePrefix: string;
  /** Channel names by 0-based channel index as parsed from file names (d0/w1/ch1 → index 0). */
  channels: string[];
  naming: 'auto' | 'cellomics' | 'imagexpress' | 'opera' | 'manifest';
  /** Explicit image sets; required when naming is 'manifest'. Keys must lie under imagePrefix. */
  manifest?: ImageSet[];
}

/** The execution input of infra/statemachine/analysis.asl.yaml. */
export interface AnalysisInput {
  jobId: string;
  experiment: ExperimentSpec;
  bucket: string;
  /** Where the manifest, per-object tables, masks and ResultWriter output go (ends with '/'). */
  resultsPrefix: string;
  segmentationChannel: string;
  maxConcurrency: number;
  batchSize: number;
  toleratedFailurePercentage: number;
  /** Object key of the ONNX model to run; null → the default model shipped with the segmenter. Always present:
   * a JSONPath to a missing field is a runtime error in Step Functions. */
  modelKey: string | null;
  /** Typical nucleus diameter (px) set on the job or its experiment; null → estimated per image. Always present. */
  objectDiameter: number | null;
}

/** Output of the ListImageSets task. */
export interface ManifestResult {
  bucket: string;
  manifestKey: string;
  imageSets: number;
  /** Keys under the prefix that no naming convention matched (reported, never silently dropped). */
  unrecognized: string[];
}

/** BatchInput of the Distributed Map ItemBatcher: shared by every item of a batch. */
export interface SegmentBatchInput {
  jobId: string;
  bucket: string;
  resultsPrefix: string;
  segmentationChannel: string;
  modelKey: string | null;
  objectDiameter: number | null;
}

/** The event a segmenter invocation receives (the ItemBatcher shape). */
export interface SegmentBatchEvent {
  BatchInput: SegmentBatchInput;
  Items: ImageSet[];
}

/** Per-image summary returned to the workflow. Kept small: it travels in ResultWriter files (256 KiB per child). */
export interface ImageSummary {
  plate: string;
  well: string;
  field: number;
  ok: true;
  count: number;
  meanArea: number;
  medianArea: number;
  /** channel name → mean of per-object mean intensity */
  meanIntensity: Record<string, number>;
  /** Further per-image feature means/medians (CellProfiler names), when the segmenter measures them. */
  features?: Record<string, number>;
  /** Typical nucleus diameter (px) the image was segmented with: given (job/experiment) or estimated from it. */
  objectDiameter?: number;
  diameterSource?: 'given' | 'estimated' | 'default';
  objectsKey?: string;
  maskKey?: string;
  seconds: number;
}

export interface ImageFailure {
  plate: string;
  well: string;
  field: number;
  ok: false;
  error: { type: string; message: string };
}

export type ImageResult = ImageSummary | ImageFailure;

export interface SegmentBatchResult {
  results: ImageResult[];
}

/** Input of the Aggregate task: the job plus the Map's ResultWriter pointer (or the error that ended the Map). */
export interface AggregateInput {
  jobId: string;
  bucket: string;
  resultWriterDetails?: { Bucket: string; Key: string };
  mapRunArn?: string;
  error?: { Error: string; Cause?: string };
}

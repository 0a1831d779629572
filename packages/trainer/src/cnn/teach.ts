import {
  classesDiameter,
  DEFAULT_SEGMENT_OPTIONS,
  loadModel,
  normalizeImage,
  type SegmentationModel,
} from '@platescale/segmentation';
import { TrainingInputError } from '../errors.js';
import { decodeNetwork, encodeNetwork, type NetworkModel } from './export.js';
import { DEFAULT_FINE_TUNE, type FineTuneOptions, fineTuneNetwork, type SparseImage } from './finetune.js';

/** A training image as the scientist sent it: one channel scaled to [0, 1], strokes (0 none, 1 + class index). */
export interface StrokedImage {
  name: string;
  data: Float32Array;
  width: number;
  height: number;
  labels: Uint8Array;
  /** Typical nucleus diameter (px); estimated from the image when absent. */
  diameter?: number;
}

/**
 * Teaches a network model from strokes, starting from `base` (an ONNX file made by encodeNetwork, e.g. the default
 * nuclei model): every image brought to the base's working scale by its nucleus diameter (given, or the one a job
 * would run the base model at), then fineTuneNetwork. Labels must be 1 background, 2 interior (the nucleus), 3 boundary.
 */
export async function teachNetwork(
  base: Uint8Array,
  images: StrokedImage[],
  opts: FineTuneOptions = DEFAULT_FINE_TUNE,
  naming: { objects?: string; channels?: string[] } = {},
): Promise<{ model: NetworkModel; bytes: Uint8Array; diameters: number[] }> {
  const model = decodeNetwork(base);
  if (!model) throw new TrainingInputError('the base model is not a network model and cannot be fine-tuned', 'base');
  // The base model as the segmenter runs it, loaded only when an image's diameter must be found.
  let segmenter: Promise<SegmentationModel> | undefined;
  const baseSession = () => (segmenter ??= loadModel('base', base));
  const sparse: SparseImage[] = [];
  try {
    for (const img of images) sparse.push(await sparseImage(img, baseSession));
  } finally {
    await (await segmenter)?.session.release();
  }
  const tuned = { ...(await fineTuneNetwork(model, sparse, opts)), ...naming };
  return { model: tuned, bytes: encodeNetwork(tuned), diameters: sparse.map((s) => s.diameter) };
}

/**
 * An image brought to what fine-tuning takes: normalised as the segmenter normalises it, with the nucleus diameter
 * given, or else the one the segmenter would run the base model at on this image (classesDiameter) — so the model
 * learns at the scale it will later be run at.
 */
async function sparseImage(img: StrokedImage, base: () => Promise<SegmentationModel>): Promise<SparseImage> {
  const plane = normalizeImage(img.data, img.width, img.height);
  const { diameter, source } =
    img.diameter === undefined
      ? await classesDiameter(await base(), [plane], img.width, img.height, DEFAULT_SEGMENT_OPTIONS)
      : { diameter: img.diameter, source: 'given' };
  if (source === 'default') {
    throw new TrainingInputError(
      `no nucleus found in '${img.name}' to estimate its nucleus diameter from; give objectDiameter`,
      'objectDiameter',
    );
  }
  return { plane, labels: img.labels, width: img.width, height: img.height, diameter };
}

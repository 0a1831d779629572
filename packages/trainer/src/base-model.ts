import type { FeatureKind } from './features/bank.js';
import { encodePixelClassifier } from './model/export.js';
import { syntheticFields } from './synthetic.js';
import { type TrainingResult, trainPixelClassifier } from './train.js';

export interface BaseModelBank {
  sigmas: number[];
  features: FeatureKind[];
  /** Hidden units of the classifier; 0 = logistic regression. */
  hidden: number;
}

/**
 * The segmenter's default bank: one σ of 2 px, smoothed intensity and the two Hessian eigenvalues (blob shape),
 * logistic regression. Smaller than the trainer's interactive default because it runs on every image of every job,
 * within the segmenter's 0.1 s per 1024² image (docs/segmenter.md, "The default model", has the measurements).
 */
export const BASE_MODEL_BANK: BaseModelBank = {
  sigmas: [2],
  features: ['gaussian', 'hessianMax', 'hessianMin'],
  hidden: 0,
};

/**
 * Trains the base nuclei model — the one the segmenter runs when a job names none — exactly as `POST /v1/models`
 * trains, from generated images with known masks: sparse strokes (1 % of pixels) painted on 8 synthetic 512² DNA
 * fields, percentile normalisation (it must work on any experiment, 8- or 16-bit, dim or bright), seed 1.
 * Deterministic for a given onnxruntime build and CPU.
 */
export async function trainBaseModel(
  bank: BaseModelBank = BASE_MODEL_BANK,
): Promise<TrainingResult & { bytes: Uint8Array }> {
  const fields = syntheticFields({ seed: 1, fields: 8, size: 512, fraction: 0.01 });
  const result = await trainPixelClassifier({
    images: fields.map((f) => f.image),
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    objects: 'Nuclei',
    normalization: 'percentile',
    sigmas: bank.sigmas,
    features: bank.features,
    classifier: { seed: 1, hidden: bank.hidden },
  });
  return { ...result, bytes: encodePixelClassifier(result.classifier) };
}

import type { ClassifierRequest } from '../classifier/head.js';
import { trainNetworkFromStrokes } from '../cnn/taught.js';
import { TrainingInputError } from '../errors.js';
import { type ImageFile, loadLabelledImage, loadPlanes } from '../images.js';
import { encodePixelClassifier } from '../model/export.js';
import { classifyPixels, isNetworkModel, networkProbabilities, previewPng } from '../predict.js';
import { type LabelledImage, type TrainingResult, trainPixelClassifier } from '../train.js';
import type { PreviewRequest, TrainerCompute, TrainingFiles, TrainingOptions } from './port.js';

/** The classifier a spec asks for; an option of the other kind is refused rather than silently ignored. */
function classifierRequest(options: TrainingOptions): ClassifierRequest {
  const seed = options.seed === undefined ? {} : { seed: options.seed };
  if (options.classifier === 'forest') {
    if (options.hidden !== undefined)
      throw new TrainingInputError("'hidden' is an option of the mlp classifier", 'hidden');
    return { kind: 'forest', ...seed, ...(options.trees === undefined ? {} : { trees: options.trees }) };
  }
  if (options.trees !== undefined) {
    throw new TrainingInputError("'trees' is an option of the forest classifier", 'trees');
  }
  return { ...seed, ...(options.hidden === undefined ? {} : { hidden: options.hidden }) };
}

const BANK_OPTIONS = ['classifier', 'hidden', 'trees', 'normalization'] as const;

/** Whether a spec is taught by fine-tuning the nuclei network (TrainingSpec.base 'nuclei'); bank options conflict. */
function teachesNetwork(options: TrainingOptions): boolean {
  const bankOption = BANK_OPTIONS.find((o) => options[o] !== undefined);
  if (options.base !== 'nuclei') {
    if (options.objectDiameter !== undefined) {
      throw new TrainingInputError("'objectDiameter' is an option of base: nuclei", 'objectDiameter');
    }
    return false;
  }
  if (bankOption) throw new TrainingInputError(`'${bankOption}' is an option of base: none`, bankOption);
  return true;
}

/**
 * Trains from files already read, encodes the model: the one path behind the API, the CLI and the scripts.
 * `nucleiBase` is the network base 'nuclei' fine-tunes (default: the segmenter's default model).
 */
export async function trainFromFiles(
  images: TrainingFiles[],
  options: TrainingOptions,
  nucleiBase?: Uint8Array,
): Promise<{ bytes: Uint8Array; result: TrainingResult }> {
  const labelled: LabelledImage[] = [];
  const network = teachesNetwork(options);
  for (const image of images) labelled.push(await loadLabelledImage(image.channels, image.labels));
  if (network) {
    return trainNetworkFromStrokes({
      images: labelled,
      classes: options.classes,
      channels: options.channels,
      ...(options.foreground === undefined ? {} : { foreground: options.foreground }),
      ...(options.objects === undefined ? {} : { objects: options.objects }),
      ...(options.objectDiameter === undefined ? {} : { objectDiameter: options.objectDiameter }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(nucleiBase === undefined ? {} : { base: nucleiBase }),
    });
  }
  const result = await trainPixelClassifier({
    images: labelled,
    classes: options.classes,
    channels: options.channels,
    ...(options.foreground === undefined ? {} : { foreground: options.foreground }),
    ...(options.objects === undefined ? {} : { objects: options.objects }),
    ...(options.normalization === undefined ? {} : { normalization: options.normalization }),
    classifier: classifierRequest(options),
  });
  return { bytes: encodePixelClassifier(result.classifier), result };
}

/** Runs a model on one image's files → the preview PNG. */
export async function previewFromFiles(request: PreviewRequest): Promise<Buffer> {
  const planes = await loadPlanes(request.files);
  if (isNetworkModel(request.model))
    return previewPng(await networkProbabilities(request.model, planes), request.kind, 1);
  const probabilities = await classifyPixels(request.model, planes, request.channels);
  return previewPng(probabilities, request.kind, request.foreground);
}

export const inProcessCompute: TrainerCompute = {
  train: trainFromFiles,
  preview: previewFromFiles,
  close: async () => undefined,
};

/** Files that crossed a thread boundary arrive as Uint8Array; the decoders want Buffers. */
export function asBuffer(file: { name: string; bytes: Uint8Array }): ImageFile {
  const b = file.bytes;
  return { name: file.name, bytes: Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength) };
}

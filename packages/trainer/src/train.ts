import type { tables } from '@platescale/db';
import { type Samples, selectSamples, stratifiedSplit } from './classifier/dataset.js';
import { MAX_TREE_DEPTH, MAX_TREES } from './classifier/forest.js';
import {
  type ClassifierOptions,
  type ClassifierRequest,
  classProbabilities,
  resolveClassifier,
  trainClassifier,
} from './classifier/head.js';
import { seededRandom } from './classifier/random.js';
import { TrainingInputError } from './errors.js';
import { DEFAULT_SIGMAS, FEATURE_KINDS, type FeatureKind, minimumImageSide } from './features/bank.js';
import { featuresAt, type Planes } from './features/extract.js';
import type { Normalization } from './features/normalize.js';
import type { PixelClassifier } from './model/export.js';

/** Label images are 8-bit and the classifier's output is one probability plane per class. */
export const MAX_CLASSES = 8;

/** The bank holds 24 float planes per channel of the whole image in memory: 2048² → 400 MB per channel. */
export const MAX_IMAGE_PIXELS = 2048 * 2048;

/** One training image and its sparse labels: 0 = unlabelled, k = classes[k − 1]. */
export interface LabelledImage {
  name: string;
  planes: Planes;
  labels: Uint8Array;
  labelsWidth: number;
  labelsHeight: number;
}

export interface TrainRequest {
  images: LabelledImage[];
  classes: string[];
  channels: string[];
  /** The class the segmenter counts as objects; default the second class (the first is background). */
  foreground?: string;
  /** Object name the segmenter reports (Count_<objects>); default 'Nuclei'. */
  objects?: string;
  sigmas?: number[];
  /** Feature kinds computed at every σ (default all of FEATURE_KINDS): fewer kinds, a faster model. */
  features?: FeatureKind[];
  /** Input scaling inside the model (default 'none': absolute brightness, as within one experiment). */
  normalization?: Normalization;
  /** The MLP (default) or, with `kind: 'forest'`, a random forest; options left out take their defaults. */
  classifier?: ClassifierRequest;
  /** Fraction of each class's labelled pixels kept aside to measure accuracy (default 0.2). */
  heldOutFraction?: number;
}

/** What any training produced: the model's classes and channels, how it is built, its held-out accuracy. */
export interface TrainingResult {
  classes: string[];
  channels: string[];
  foregroundClass: string;
  architecture: tables.ModelArchitecture;
  labelCounts: Record<string, number>;
  metrics: tables.ModelMetrics;
}

/** The filter-bank trainer's result: also the classifier, which encodePixelClassifier makes a model of. */
export interface PixelClassifierResult extends TrainingResult {
  classifier: PixelClassifier;
}

/**
 * Trains a pixel classifier from sparse labels: filter-bank features (computed by onnxruntime, the same graph the
 * exported model runs) of the labelled pixels only, a class-balanced MLP or random forest on them, accuracy per
 * class on held-out labelled pixels. Deterministic given `classifier.seed`.
 */
export async function trainPixelClassifier(request: TrainRequest): Promise<PixelClassifierResult> {
  const started = performance.now();
  const sigmas = request.sigmas ?? [...DEFAULT_SIGMAS];
  const kinds = request.features ?? [...FEATURE_KINDS];
  const normalization = request.normalization ?? 'none';
  const options = resolveClassifier(request.classifier);
  const foreground = validate(request, sigmas, kinds);
  validateClassifier(options);
  const { classes } = request;

  const parts: Samples[] = [];
  for (const image of request.images) {
    const pixels: number[] = [];
    for (let i = 0; i < image.labels.length; i++) if (image.labels[i]! > 0) pixels.push(i);
    if (pixels.length === 0) continue;
    const selected = Uint32Array.from(pixels);
    const { rows, width } = await featuresAt(image.planes, { sigmas, normalization, features: kinds }, selected);
    const cls = Uint8Array.from(selected, (p) => image.labels[p]! - 1);
    parts.push({ features: rows, classes: cls, count: selected.length, width, classCount: classes.length });
  }
  const all = concatSamples(parts);
  const labelCounts = Object.fromEntries(classes.map((c) => [c, 0]));
  for (let i = 0; i < all.count; i++) labelCounts[classes[all.classes[i]!]!]!++;

  const split = stratifiedSplit(all, request.heldOutFraction ?? 0.2, seededRandom(options.seed ^ 0x5eed));
  const train = selectSamples(all, split.train);
  const heldOut = selectSamples(all, split.heldOut);
  const head = await trainClassifier(train, options);

  const correct = new Float64Array(classes.length);
  const total = new Float64Array(classes.length);
  for (let i = 0; i < heldOut.count; i++) {
    const p = classProbabilities(head, heldOut.features.subarray(i * heldOut.width, (i + 1) * heldOut.width));
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    const truth = heldOut.classes[i]!;
    total[truth]!++;
    if (best === truth) correct[truth]!++;
  }
  const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);
  const metrics: tables.ModelMetrics = {
    heldOutPixels: heldOut.count,
    pixelAccuracy: heldOut.count > 0 ? sum(correct) / heldOut.count : 0,
    perClass: classes.map((className, k) => ({
      className,
      heldOutPixels: total[k]!,
      accuracy: total[k]! > 0 ? correct[k]! / total[k]! : 0,
    })),
    trainSeconds: (performance.now() - started) / 1000,
  };
  return {
    classes: [...classes],
    channels: [...request.channels],
    foregroundClass: classes[foreground]!,
    classifier: {
      channels: [...request.channels],
      classes: [...classes],
      foreground,
      sigmas,
      features: kinds,
      normalization,
      head,
      objects: request.objects ?? 'Nuclei',
    },
    architecture: {
      ...describeClassifier(options),
      features: all.width,
      sigmas,
      normalization,
      seed: options.seed,
    },
    labelCounts,
    metrics,
  };
}

/** The architecture row's classifier fields. */
function describeClassifier(options: ClassifierOptions) {
  if (options.kind === 'forest') {
    const { trees, maxDepth, minLeaf } = options;
    return { classifier: 'forest', hidden: 0, trees, maxDepth, minLeaf } as const;
  }
  return { classifier: options.hidden > 0 ? 'mlp' : 'logistic', hidden: options.hidden } as const;
}

function validateClassifier(options: ClassifierOptions): void {
  if (options.kind !== 'forest') return;
  const whole = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!whole(options.trees, 1, MAX_TREES)) {
    throw new TrainingInputError(`a forest has 1 to ${MAX_TREES} trees`, 'trees');
  }
  if (!whole(options.maxDepth, 1, MAX_TREE_DEPTH)) {
    throw new TrainingInputError(`a tree's depth bound is 1 to ${MAX_TREE_DEPTH}`, 'maxDepth');
  }
  if (!whole(options.minLeaf, 1, Number.MAX_SAFE_INTEGER)) {
    throw new TrainingInputError('a leaf holds at least 1 pixel', 'minLeaf');
  }
}

/** Returns the foreground class index; throws a TrainingInputError naming the first problem found. */
function validate(request: TrainRequest, sigmas: number[], kinds: FeatureKind[]): number {
  const { images, classes, channels } = request;
  if (classes.length < 2)
    throw new TrainingInputError('at least 2 classes are needed (e.g. background, nucleus)', 'classes');
  if (classes.length > MAX_CLASSES) {
    throw new TrainingInputError(`too many classes: ${classes.length} (at most ${MAX_CLASSES})`, 'classes');
  }
  if (new Set(classes).size !== classes.length) throw new TrainingInputError('class names must be distinct', 'classes');
  if (channels.length === 0) throw new TrainingInputError('at least one channel is needed', 'channels');
  if (images.length === 0) throw new TrainingInputError('at least one training image is needed', 'images');
  if (sigmas.length === 0 || sigmas.some((s, i) => !(s > 0 && s <= 32) || (i > 0 && s <= sigmas[i - 1]!))) {
    throw new TrainingInputError('sigmas must be ascending, between 0 and 32 pixels', 'sigmas');
  }
  const order = kinds.map((k) => FEATURE_KINDS.indexOf(k));
  if (order.length === 0 || order.some((o, i) => o < 0 || (i > 0 && o <= order[i - 1]!))) {
    throw new TrainingInputError(
      `features must be distinct kinds of ${FEATURE_KINDS.join(', ')}, in that order`,
      'features',
    );
  }
  const foreground = request.foreground === undefined ? 1 : classes.indexOf(request.foreground);
  if (foreground < 0) {
    throw new TrainingInputError(`foreground class '${request.foreground}' is not one of the classes`, 'foreground');
  }
  const side = minimumImageSide(sigmas);
  const counts = new Float64Array(classes.length + 1);
  for (const image of images) {
    const { planes } = image;
    if (planes.channels !== channels.length) {
      throw new TrainingInputError(
        `image '${image.name}' has ${planes.channels} channels, the model takes ${channels.length}`,
        'images',
      );
    }
    if (image.labelsWidth !== planes.width || image.labelsHeight !== planes.height) {
      throw new TrainingInputError(
        `label image of '${image.name}' is ${image.labelsWidth}×${image.labelsHeight}, the image is ${planes.width}×${planes.height}`,
        'labels',
      );
    }
    if (planes.width * planes.height > MAX_IMAGE_PIXELS) {
      throw new TrainingInputError(
        `image '${image.name}' is ${planes.width}×${planes.height}; training and preview take up to ${MAX_IMAGE_PIXELS} pixels (crop it)`,
        'images',
      );
    }
    if (planes.width < side || planes.height < side) {
      throw new TrainingInputError(`image '${image.name}' is smaller than ${side}×${side} pixels`, 'images');
    }
    for (const v of image.labels) {
      if (v > classes.length) {
        throw new TrainingInputError(
          `label image of '${image.name}' uses label ${v}, but there are only ${classes.length} classes (labels 1..${classes.length}, 0 = unlabelled)`,
          'labels',
        );
      }
      counts[v]!++;
    }
  }
  const missing = classes.filter((_, k) => counts[k + 1] === 0);
  if (missing.length > 0) {
    throw new TrainingInputError(`no labelled pixels of class ${missing.map((c) => `'${c}'`).join(', ')}`, 'labels');
  }
  return foreground;
}

function concatSamples(parts: Samples[]): Samples {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const width = parts[0]!.width;
  const features = new Float32Array(count * width);
  const classes = new Uint8Array(count);
  let at = 0;
  for (const p of parts) {
    features.set(p.features, at * width);
    classes.set(p.classes, at);
    at += p.count;
  }
  return { features, classes, count, width, classCount: parts[0]!.classCount };
}

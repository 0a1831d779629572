import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ValidationError } from '@platescale/shared';
import {
  CLASSIFIER_KINDS,
  type ClassifierKind,
  type ImageFile,
  MAX_TREES,
  NORMALIZATIONS,
  type Normalization,
  trainFromFiles,
} from '@platescale/trainer';
import { intOption, parseCommandArgs } from '../lib/args.js';

const HELP = `usage: platescale train --images <files> --labels <files> --out model.onnx
       [--classes background,nucleus] [--channels DNA] [--foreground CLASS] [--objects Nuclei]
       [--normalization none|percentile] [--seed N] [--classifier mlp|forest] [--hidden N] [--trees N]

Trains a pixel classifier (filter bank + MLP or random forest) from sparsely labelled images and writes one
self-contained ONNX model, which 'segment --model' and jobs run unchanged. Prints the training summary as JSON on
stdout.
  --images    training images, in order (globs, repeated flags and comma lists all work); a multi-channel image
              joins its channel files with '+' in --channels order (a_w1.tif+a_w2.tif)
  --labels    one label image per training image, same size: grey 0 = unlabelled, k = the k-th class
  --classes   class names, comma-separated (default background,nucleus)
  --channels  channel names, comma-separated (default DNA)
  --foreground the class the segmenter counts as objects (default the second class)
  --normalization  'none' (default): absolute brightness, for one experiment's images; 'percentile': each image
              scaled by its 1st–99.8th percentiles, for a model used across experiments and bit depths
  --classifier  'mlp' (default): a small MLP; 'forest': a random forest (ONNX-ML TreeEnsembleClassifier)
  --hidden    hidden units of the MLP, 0 = logistic regression (default 16)
  --trees     trees of the forest (default 50, at most ${MAX_TREES})`;

/** `--images a b c --labels x y z`: a flag's values run to the next flag, so shell globs need no quoting. */
function takeList(args: string[], flag: string): { values: string[]; rest: string[] } {
  const values: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== `--${flag}`) {
      rest.push(args[i]!);
      continue;
    }
    while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) values.push(...args[++i]!.split(',').filter(Boolean));
  }
  return { values, rest };
}

const read = async (path: string): Promise<ImageFile> => ({
  name: basename(path),
  bytes: await readFile(resolve(path)),
});
const list = (value: string | undefined, fallback: string[]) =>
  value ? value.split(',').map((s) => s.trim()) : fallback;

export async function run(args: string[]): Promise<number> {
  const images = takeList(args, 'images');
  const labels = takeList(images.rest, 'labels');
  const { values } = parseCommandArgs(
    labels.rest,
    {
      out: { type: 'string' },
      classes: { type: 'string' },
      channels: { type: 'string' },
      foreground: { type: 'string' },
      objects: { type: 'string' },
      normalization: { type: 'string' },
      seed: { type: 'string' },
      classifier: { type: 'string' },
      hidden: { type: 'string' },
      trees: { type: 'string' },
      help: { type: 'boolean' },
    },
    false,
  );
  if (values.help || images.values.length === 0 || !values.out) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  if (labels.values.length !== images.values.length) {
    throw new ValidationError(
      `${images.values.length} images but ${labels.values.length} label images: give one label image per image`,
      'labels',
    );
  }
  const files = await Promise.all(
    images.values.map(async (image, i) => ({
      channels: await Promise.all(image.split('+').map(read)),
      labels: await read(labels.values[i]!),
    })),
  );
  const normalization = values.normalization ?? 'none';
  if (!(NORMALIZATIONS as readonly string[]).includes(normalization)) {
    throw new ValidationError(`--normalization must be one of ${NORMALIZATIONS.join(', ')}`, 'normalization');
  }
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31 - 1);
  const classifier = values.classifier ?? 'mlp';
  if (!(CLASSIFIER_KINDS as readonly string[]).includes(classifier)) {
    throw new ValidationError(`--classifier must be one of ${CLASSIFIER_KINDS.join(', ')}`, 'classifier');
  }
  const hidden = intOption(values.hidden, 'hidden', 0, 64);
  const trees = intOption(values.trees, 'trees', 1, MAX_TREES);
  const { bytes, result } = await trainFromFiles(files, {
    classes: list(values.classes, ['background', 'nucleus']),
    channels: list(values.channels, ['DNA']),
    ...(values.foreground ? { foreground: values.foreground } : {}),
    ...(values.objects ? { objects: values.objects } : {}),
    normalization: normalization as Normalization,
    ...(seed === undefined ? {} : { seed }),
    classifier: classifier as ClassifierKind,
    ...(hidden === undefined ? {} : { hidden }),
    ...(trees === undefined ? {} : { trees }),
  });
  const out = resolve(values.out);
  await writeFile(out, bytes);
  const summary = {
    out,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.byteLength,
    classes: result.classifier.classes,
    channels: result.classifier.channels,
    foregroundClass: result.classifier.classes[result.classifier.foreground],
    trainingImages: images.values,
    labelCounts: result.labelCounts,
    architecture: result.architecture,
    metrics: result.metrics,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

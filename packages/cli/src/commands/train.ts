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
import { diameterOption, intOption, parseCommandArgs } from '../lib/args.js';

const HELP = `usage: platescale train --images <files> --labels <files> --out model.onnx
       [--classes background,nucleus] [--channels DNA] [--foreground CLASS] [--objects Nuclei]
       [--normalization none|percentile] [--seed N] [--classifier mlp|forest] [--hidden N] [--trees N]
       [--base nuclei|none] [--diameter PX]

Trains a pixel classifier (filter bank + MLP or random forest) from sparsely labelled images, or with --base nuclei
fine-tunes the default nuclei network on them, and writes one self-contained ONNX model, which 'segment --model'
and jobs run unchanged. Prints the training summary as JSON on stdout.
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
  --trees     trees of the forest (default 50, at most ${MAX_TREES})
  --base      'none' (default): the filter bank and classifier above, trained from scratch; 'nuclei': start from
              the default nuclei network and fine-tune it on the strokes (one channel; classes background, the
              nuclei and optionally 'boundary' strokes where touching nuclei meet) — a few strokes are enough
  --diameter  with --base nuclei: the typical nucleus diameter (px) of the training images (default: estimated)`;

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

/** The filter-bank options (--base none), checked; their defaults written out so the summary shows them. */
function bankOptions(values: Partial<Record<'normalization' | 'classifier' | 'hidden' | 'trees', string>>) {
  const normalization = values.normalization ?? 'none';
  if (!(NORMALIZATIONS as readonly string[]).includes(normalization)) {
    throw new ValidationError(`--normalization must be one of ${NORMALIZATIONS.join(', ')}`, 'normalization');
  }
  const classifier = values.classifier ?? 'mlp';
  if (!(CLASSIFIER_KINDS as readonly string[]).includes(classifier)) {
    throw new ValidationError(`--classifier must be one of ${CLASSIFIER_KINDS.join(', ')}`, 'classifier');
  }
  const hidden = intOption(values.hidden, 'hidden', 0, 64);
  const trees = intOption(values.trees, 'trees', 1, MAX_TREES);
  return {
    normalization: normalization as Normalization,
    classifier: classifier as ClassifierKind,
    ...(hidden === undefined ? {} : { hidden }),
    ...(trees === undefined ? {} : { trees }),
  };
}

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
      base: { type: 'string' },
      diameter: { type: 'string' },
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
  const base = values.base ?? 'none';
  if (base !== 'nuclei' && base !== 'none') throw new ValidationError("--base must be 'nuclei' or 'none'", 'base');
  const seed = intOption(values.seed, 'seed', 0, 2 ** 31 - 1);
  const objectDiameter = diameterOption(values.diameter);
  const common = {
    classes: list(values.classes, ['background', 'nucleus']),
    channels: list(values.channels, ['DNA']),
    ...(values.foreground ? { foreground: values.foreground } : {}),
    ...(values.objects ? { objects: values.objects } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(objectDiameter === undefined ? {} : { objectDiameter }),
    base,
  } as const;
  const bankFlag = (['normalization', 'classifier', 'hidden', 'trees'] as const).find((f) => values[f] !== undefined);
  if (base === 'nuclei' && bankFlag) throw new ValidationError(`--${bankFlag} is an option of --base none`, bankFlag);
  const { bytes, result } = await trainFromFiles(
    files,
    base === 'nuclei' ? common : { ...common, ...bankOptions(values) },
  );
  const out = resolve(values.out);
  await writeFile(out, bytes);
  const summary = {
    out,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.byteLength,
    classes: result.classes,
    channels: result.channels,
    foregroundClass: result.foregroundClass,
    trainingImages: images.values,
    labelCounts: result.labelCounts,
    architecture: result.architecture,
    metrics: result.metrics,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}

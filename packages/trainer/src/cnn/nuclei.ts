import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeImage } from '@platescale/segmentation';
import { type AnnotatedEntry, loadAnnotatedImage, readAnnotatedSet, type Split } from '../datasets/annotated.js';
import { encodeNetwork, type NetworkModel } from './export.js';
import type { NetworkSpec } from './network.js';
import type { TrainingImage } from './patches.js';
import { NUCLEI_CLASSES } from './targets.js';
import { type NetworkTrainingOptions, trainNetwork } from './train.js';

/**
 * The default nuclei network: 8-16-32-64 features, one 3×3 convolution at full resolution and two below, one per
 * decoder level (docs/segmenter.md compares it with the other candidates).
 */
export const NUCLEI_NETWORK: NetworkSpec = {
  widths: [8, 16, 32, 64],
  encoderConvs: [1, 2, 2, 2],
  decoderConvs: 1,
  inputs: 1,
  classes: NUCLEI_CLASSES.length,
};

/** The nucleus diameter (px) the default network works at. */
export const CANONICAL_DIAMETER = 12;

/** The images of some splits of an annotated set, normalised as the segmenter normalises. */
export async function loadTrainingImages(dir: string, splits: Split[]): Promise<TrainingImage[]> {
  const entries = (await readAnnotatedSet(dir)).filter((e) => splits.includes(e.split) && e.diameter > 0);
  return Promise.all(entries.map((e) => toTrainingImage(dir, e)));
}

async function toTrainingImage(dir: string, entry: AnnotatedEntry): Promise<TrainingImage> {
  const { image, labels } = await loadAnnotatedImage(dir, entry);
  return {
    name: entry.stem,
    data: normalizeImage(image.data, image.width, image.height),
    labels,
    width: image.width,
    height: image.height,
    diameter: entry.diameter,
  };
}

/** How the default nuclei model is trained (`npm run build:base-model`): recorded in the model's metadata. */
export interface NucleiRecipe {
  spec: NetworkSpec;
  diameter: number;
  steps: number;
  batch: number;
  patchSize: number;
  scaleJitter: number;
  learningRate: number;
  seed: number;
}

export const NUCLEI_RECIPE: NucleiRecipe = {
  spec: NUCLEI_NETWORK,
  diameter: CANONICAL_DIAMETER,
  steps: 6000,
  batch: 8,
  patchSize: 128,
  scaleJitter: 1.4,
  learningRate: 0.002,
  seed: 1,
};

/** Metadata key of the recipe and the training data's fingerprint. */
export const TRAINING_METADATA = 'platescale.training';

/**
 * Trains the nuclei network on the training split of an annotated set (data/dsb2018: real fluorescence images
 * with expert masks; the tune and validation splits are never seen) and returns the model with its provenance:
 * the recipe and the SHA-256 of split.csv. Deterministic for a given recipe, data and machine.
 */
export async function trainNucleiModel(
  dir: string,
  recipe: NucleiRecipe = NUCLEI_RECIPE,
  progress?: NetworkTrainingOptions['progress'],
): Promise<{ model: NetworkModel; bytes: Uint8Array; images: number }> {
  const images = await loadTrainingImages(dir, ['train']);
  const weights = await trainNetwork(images, {
    spec: recipe.spec,
    steps: recipe.steps,
    batch: recipe.batch,
    patch: {
      size: recipe.patchSize,
      canonicalDiameter: recipe.diameter,
      scaleJitter: recipe.scaleJitter,
      augment: true,
    },
    seed: recipe.seed,
    learningRate: recipe.learningRate,
    ...(progress ? { progress } : {}),
  });
  const split = createHash('sha256')
    .update(await readFile(join(dir, 'split.csv')))
    .digest('hex');
  const model: NetworkModel = {
    spec: recipe.spec,
    weights,
    classes: NUCLEI_CLASSES,
    diameter: recipe.diameter,
    objects: 'Nuclei',
    description: {
      [TRAINING_METADATA]: JSON.stringify({
        recipe,
        data: 'data/dsb2018',
        split: 'train',
        images: images.length,
        splitSha256: split,
      }),
    },
  };
  return { model, bytes: encodeNetwork(model), images: images.length };
}

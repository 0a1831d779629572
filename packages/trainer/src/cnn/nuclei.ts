import { normalizeImage } from '@platescale/segmentation';
import { type AnnotatedEntry, loadAnnotatedImage, readAnnotatedSet, type Split } from '../datasets/annotated.js';
import type { NetworkSpec } from './network.js';
import type { TrainingImage } from './patches.js';
import { NUCLEI_CLASSES } from './targets.js';

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

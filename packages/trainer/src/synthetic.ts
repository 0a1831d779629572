import { toUnitFloat } from '@platescale/segmentation';
import { renderField } from '@platescale/synthetic';
import { paintStrokes } from './strokes.js';
import type { LabelledImage } from './train.js';

export interface SyntheticFieldsOptions {
  /** Field i is rendered from seed + i. */
  seed: number;
  fields: number;
  /** Side in pixels (default 512). */
  size?: number;
  /** Labelled fraction of each field's pixels (default 0.008: ~10k pixels over five 512² fields). */
  fraction?: number;
}

export interface SyntheticTrainingField {
  image: LabelledImage;
  /** Ground-truth objects: 0 background, 1..count. */
  truth: Uint16Array;
  count: number;
}

/**
 * Synthetic DNA fields (16-bit, the plate generator's renderer) with their ground truth and the sparse strokes a
 * scientist would paint on them; nuclei counts vary from field to field (30–90 at 512²). Deterministic.
 */
export function syntheticFields(opts: SyntheticFieldsOptions): SyntheticTrainingField[] {
  const size = opts.size ?? 512;
  return Array.from({ length: opts.fields }, (_, i) => {
    const seed = opts.seed + i;
    const count = Math.round(((30 + ((i * 23) % 61)) * size * size) / (512 * 512));
    const field = renderField({ width: size, height: size, seed, count, bitDepth: 16 });
    const data = toUnitFloat({ width: size, height: size, data: field.channels[0], maxValue: 65535 });
    const labels = paintStrokes(field.labels, { width: size, height: size, seed, fraction: opts.fraction ?? 0.008 });
    return {
      image: {
        name: `synthetic-${seed}`,
        planes: { width: size, height: size, channels: 1, data },
        labels,
        labelsWidth: size,
        labelsHeight: size,
      },
      truth: field.labels,
      count: field.count,
    };
  });
}

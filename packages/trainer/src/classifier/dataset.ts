import { shuffle } from './random.js';

/** Feature rows of labelled pixels: `features[i·width + f]`, `classes[i]` in 0..K-1. */
export interface Samples {
  features: Float32Array;
  classes: Uint8Array;
  count: number;
  width: number;
  classCount: number;
}

export interface Standardization {
  mean: Float64Array;
  /** Never 0: a constant feature gets 1 so that it drops out instead of dividing by zero. */
  scale: Float64Array;
}

export function standardization(samples: Samples): Standardization {
  const { features, count, width } = samples;
  const mean = new Float64Array(width);
  const scale = new Float64Array(width);
  for (let i = 0; i < count; i++) for (let f = 0; f < width; f++) mean[f]! += features[i * width + f]!;
  for (let f = 0; f < width; f++) mean[f] = mean[f]! / Math.max(1, count);
  for (let i = 0; i < count; i++) {
    for (let f = 0; f < width; f++) {
      const d = features[i * width + f]! - mean[f]!;
      scale[f]! += d * d;
    }
  }
  for (let f = 0; f < width; f++) {
    const sd = Math.sqrt(scale[f]! / Math.max(1, count));
    scale[f] = sd > 1e-12 ? sd : 1;
  }
  return { mean, scale };
}

/** Rows `indices` of `samples`, in that order. */
export function selectSamples(samples: Samples, indices: ArrayLike<number>): Samples {
  const { width } = samples;
  const features = new Float32Array(indices.length * width);
  const classes = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    features.set(samples.features.subarray(row * width, (row + 1) * width), i * width);
    classes[i] = samples.classes[row]!;
  }
  return { features, classes, count: indices.length, width, classCount: samples.classCount };
}

/**
 * Splits every class separately (so a rare class is represented on both sides): a `fraction` of each class's rows,
 * chosen by `random`, is held out.
 */
export function stratifiedSplit(
  samples: Samples,
  fraction: number,
  random: () => number,
): { train: Uint32Array; heldOut: Uint32Array } {
  const byClass: number[][] = Array.from({ length: samples.classCount }, () => []);
  for (let i = 0; i < samples.count; i++) byClass[samples.classes[i]!]!.push(i);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (const rows of byClass) {
    const order = shuffle(Uint32Array.from(rows), random);
    const held = rows.length >= 2 ? Math.max(1, Math.round(rows.length * fraction)) : 0;
    for (let i = 0; i < order.length; i++) (i < held ? heldOut : train).push(order[i]!);
  }
  return { train: Uint32Array.from(train), heldOut: Uint32Array.from(heldOut) };
}

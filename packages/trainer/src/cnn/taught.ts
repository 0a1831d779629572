import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { tables } from '@platescale/db';
import { classPlanes, DEFAULT_MODEL_PATH, loadModel, normalizeImage } from '@platescale/segmentation';
import { seededRandom, shuffle } from '../classifier/random.js';
import { TrainingInputError } from '../errors.js';
import type { LabelledImage, TrainingResult } from '../train.js';
import { DEFAULT_FINE_TUNE, type FineTuneOptions } from './finetune.js';
import { BACKGROUND, BOUNDARY, INTERIOR } from './targets.js';
import { teachNetwork } from './teach.js';

export interface NetworkTeachRequest {
  images: LabelledImage[];
  /** The scientist's class names: the first is background, `foreground` the nuclei, an optional 'boundary'. */
  classes: string[];
  channels: string[];
  foreground?: string;
  objects?: string;
  /** Typical nucleus diameter (px) of the training images; estimated per image when absent. */
  objectDiameter?: number;
  seed?: number;
  heldOutFraction?: number;
  /** The model to start from (default: the segmenter's default nuclei model). */
  base?: Uint8Array;
  /** How to fine-tune (default DEFAULT_FINE_TUNE, chosen for the default model on the tune split). */
  fineTune?: FineTuneOptions;
}

/** A class name that marks where touching nuclei meet. */
export const BOUNDARY_CLASS = /^boundar(y|ies)$/i;

/** Maps the scientist's classes onto the network's (1 + BACKGROUND, …); throws for a class it has no place for. */
export function networkClassMap(classes: string[], foreground: string): Uint8Array {
  const map = new Uint8Array(classes.length + 1);
  classes.forEach((name, k) => {
    if (k === 0) map[k + 1] = 1 + BACKGROUND;
    else if (name === foreground) map[k + 1] = 1 + INTERIOR;
    else if (BOUNDARY_CLASS.test(name)) map[k + 1] = 1 + BOUNDARY;
    else {
      throw new TrainingInputError(
        `class '${name}': a model taught from the nuclei base model knows background (the first class), the objects ('${foreground}') and 'boundary'; train from scratch (base: none) for other classes`,
        'classes',
      );
    }
  });
  return map;
}

/**
 * Teaches a model from strokes by fine-tuning the base nuclei network (teachNetwork), keeping a stratified fifth of
 * the labelled pixels aside to measure per-class accuracy on — the same metrics the filter-bank trainer reports.
 */
export async function trainNetworkFromStrokes(
  request: NetworkTeachRequest,
): Promise<{ bytes: Uint8Array; result: TrainingResult }> {
  const started = performance.now();
  if (request.channels.length !== 1) {
    throw new TrainingInputError(
      `fine-tuning the nuclei base model takes one channel; ${request.channels.length} were given (train from scratch with base: none)`,
      'channels',
    );
  }
  const foreground = request.foreground ?? request.classes[1];
  if (!foreground || !request.classes.includes(foreground) || foreground === request.classes[0]) {
    throw new TrainingInputError('give at least two classes: background first, then the objects', 'classes');
  }
  const classMap = networkClassMap(request.classes, foreground);
  const seed = request.seed ?? 1;
  const random = seededRandom(seed ^ 0x5eed);
  const labelCounts: Record<string, number> = Object.fromEntries(request.classes.map((c) => [c, 0]));
  const heldOut: { image: number; pixel: number; label: number }[] = [];
  const strokes = request.images.map((img, index) => {
    if (img.labelsWidth !== img.planes.width || img.labelsHeight !== img.planes.height) {
      throw new TrainingInputError(`labels of '${img.name}' are not the image's size`, 'labels');
    }
    const labels = new Uint8Array(img.labels.length);
    const byClass: number[][] = request.classes.map(() => []);
    for (let i = 0; i < img.labels.length; i++) {
      const l = img.labels[i]!;
      if (l === 0) continue;
      if (l > request.classes.length) {
        throw new TrainingInputError(
          `label image of '${img.name}' holds ${l}; there are ${request.classes.length} classes`,
          'labels',
        );
      }
      byClass[l - 1]!.push(i);
      labelCounts[request.classes[l - 1]!]!++;
    }
    for (const [k, pixels] of byClass.entries()) {
      const order = shuffle(Uint32Array.from(pixels), random);
      const held = pixels.length >= 2 ? Math.round(pixels.length * (request.heldOutFraction ?? 0.2)) : 0;
      order.forEach((p, j) => {
        if (j < held) heldOut.push({ image: index, pixel: p, label: k });
        else labels[p] = classMap[k + 1]!;
      });
    }
    return {
      name: img.name,
      data: img.planes.data,
      width: img.planes.width,
      height: img.planes.height,
      labels,
      ...(request.objectDiameter ? { diameter: request.objectDiameter } : {}),
    };
  });
  const base = request.base ?? (await readFile(DEFAULT_MODEL_PATH));
  const { bytes, diameters } = await teachNetwork(base, strokes, request.fineTune ?? DEFAULT_FINE_TUNE, {
    channels: request.channels,
    ...(request.objects ? { objects: request.objects } : {}),
  });

  const model = await loadModel('taught', bytes);
  const correct = new Array<number>(request.classes.length).fill(0);
  const total = new Array<number>(request.classes.length).fill(0);
  try {
    for (const [index, img] of strokes.entries()) {
      const mine = heldOut.filter((h) => h.image === index);
      if (mine.length === 0) continue;
      const plane = normalizeImage(img.data, img.width, img.height);
      const planes = await classPlanes(model, [plane], img.width, img.height, diameters[index]);
      for (const h of mine) {
        let best = 0;
        for (let c = 1; c < planes.length; c++) if (planes[c]![h.pixel]! > planes[best]![h.pixel]!) best = c;
        total[h.label]!++;
        if (best === classMap[h.label + 1]! - 1) correct[h.label]!++;
      }
    }
  } finally {
    await model.session.release();
  }
  const held = total.reduce((a, b) => a + b, 0);
  const metrics: tables.ModelMetrics = {
    heldOutPixels: held,
    pixelAccuracy: held ? correct.reduce((a, b) => a + b, 0) / held : 0,
    perClass: request.classes.map((className, k) => ({
      className,
      heldOutPixels: total[k]!,
      accuracy: total[k] ? correct[k]! / total[k]! : 0,
    })),
    trainSeconds: Math.round(performance.now() - started) / 1000,
  };
  const architecture: tables.ModelArchitecture = {
    classifier: 'network',
    hidden: 0,
    features: 0,
    sigmas: [],
    seed,
    base: createHash('sha256').update(base).digest('hex').slice(0, 16),
    ...(request.objectDiameter ? { objectDiameter: request.objectDiameter } : {}),
  };
  return {
    bytes,
    result: {
      classes: request.classes,
      channels: request.channels,
      foregroundClass: foreground,
      architecture,
      labelCounts,
      metrics,
    },
  };
}

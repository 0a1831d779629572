import { createHash } from 'node:crypto';
import { readModelMetadata } from '@platescale/onnx';
import {
  classPlanes,
  GRAPH_OPTIMIZATION_LEVEL,
  loadModel,
  MODEL_METADATA,
  normalizeImage,
} from '@platescale/segmentation';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { TrainingInputError } from './errors.js';
import type { Planes } from './features/extract.js';
import { PROBABILITIES } from './model/export.js';
import { MAX_IMAGE_PIXELS } from './train.js';

export interface ClassProbabilities {
  width: number;
  height: number;
  classes: number;
  /** [K, H, W], class-major. */
  data: Float32Array;
}

/** Preview sessions by model content hash; a few stay open so repeated previews of one model skip the load. */
const sessions = new Map<string, Promise<ort.InferenceSession>>();
const MAX_SESSIONS = 4;

function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const hash = createHash('sha256').update(bytes).digest('hex');
  let s = sessions.get(hash);
  if (s) {
    sessions.delete(hash);
  } else {
    s = ort.InferenceSession.create(bytes, { graphOptimizationLevel: GRAPH_OPTIMIZATION_LEVEL });
    s.catch(() => sessions.delete(hash));
  }
  sessions.set(hash, s);
  for (const [key, old] of sessions) {
    if (sessions.size <= MAX_SESSIONS) break;
    sessions.delete(key);
    void old.then((o) => o.release()).catch(() => undefined);
  }
  return s;
}

/** Runs a trained model on one image: every class's probability at every pixel. */
export async function classifyPixels(model: Uint8Array, planes: Planes, channels: number): Promise<ClassProbabilities> {
  if (planes.channels !== channels) {
    throw new TrainingInputError(`the model takes ${channels} channels, the image has ${planes.channels}`, 'images');
  }
  if (planes.width * planes.height > MAX_IMAGE_PIXELS) {
    throw new TrainingInputError(
      `the image is ${planes.width}×${planes.height}; a preview takes up to ${MAX_IMAGE_PIXELS} pixels (crop it)`,
      'images',
    );
  }
  // The bank reflects borders by its receptive radius (the model's halo): smaller images cannot be reflected.
  const side = Number(readModelMetadata(model)[MODEL_METADATA.halo] ?? 0);
  if (planes.width < side || planes.height < side) {
    throw new TrainingInputError(
      `the image is ${planes.width}×${planes.height}; the model needs at least ${side}×${side}`,
      'images',
    );
  }
  const s = await session(model);
  const out = await s.run({
    image: new ort.Tensor('float32', planes.data, [1, channels, planes.height, planes.width]),
  });
  const probabilities = out[PROBABILITIES]!;
  const data = new Float32Array(probabilities.data as Float32Array);
  for (const t of Object.values(out)) t.dispose();
  return { width: planes.width, height: planes.height, classes: probabilities.dims[1]!, data };
}

/**
 * An 8-bit grey PNG of the result. 'probability': the `foreground` class's probability × 255. 'mask': every
 * pixel's most probable class k as k·255/(K − 1), so a two-class mask is black background and white objects.
 */
export function previewPng(p: ClassProbabilities, kind: 'probability' | 'mask', foreground: number): Promise<Buffer> {
  const area = p.width * p.height;
  const grey = new Uint8Array(area);
  if (kind === 'probability') {
    const plane = p.data.subarray(foreground * area, (foreground + 1) * area);
    for (let i = 0; i < area; i++) grey[i] = Math.round(plane[i]! * 255);
  } else {
    const step = 255 / (p.classes - 1);
    for (let i = 0; i < area; i++) {
      let best = 0;
      for (let k = 1; k < p.classes; k++) if (p.data[k * area + i]! > p.data[best * area + i]!) best = k;
      grey[i] = Math.round(best * step);
    }
  }
  return sharp(grey, { raw: { width: p.width, height: p.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** Whether a model file is a network of classes (background / interior / boundary) rather than a pixel classifier. */
export function isNetworkModel(model: Uint8Array): boolean {
  return readModelMetadata(model)[MODEL_METADATA.output] === 'classes';
}

/**
 * A network model on one image, as a job would run it (normalised, at its working scale for the image's estimated
 * nucleus diameter): background and nucleus (interior + boundary) probabilities, and for 'mask' the three classes.
 */
export async function networkProbabilities(model: Uint8Array, planes: Planes): Promise<ClassProbabilities> {
  if (planes.width * planes.height > MAX_IMAGE_PIXELS) {
    throw new TrainingInputError(
      `the image is ${planes.width}×${planes.height}; a preview takes up to ${MAX_IMAGE_PIXELS} pixels (crop it)`,
      'images',
    );
  }
  const loaded = await loadModel('preview', model);
  try {
    const area = planes.width * planes.height;
    const plane = normalizeImage(planes.data.subarray(0, area), planes.width, planes.height);
    const classes = await classPlanes(loaded, [plane], planes.width, planes.height, undefined);
    const data = new Float32Array(classes.length * area);
    for (const [k, p] of classes.entries()) data.set(p, k * area);
    return { width: planes.width, height: planes.height, classes: classes.length, data };
  } finally {
    await loaded.session.release();
  }
}

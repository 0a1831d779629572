import { DEFAULT_SEGMENT_OPTIONS, resample, scaledSize } from '@platescale/segmentation';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import type { NetworkModel } from './export.js';
import { forward, fromVariables, toVariables } from './forward.js';
import { LOGITS, networkOps, sizeMultiple } from './network.js';
import { BACKGROUND, BOUNDARY, INTERIOR } from './targets.js';
import { tensorflow } from './tf.js';

/** One image to fine-tune on: normalised (normalizeImage), sparse labels (0 unlabelled, else 1 + class index), its nuclei's diameter. */
export interface SparseImage {
  plane: Float32Array;
  labels: Uint8Array;
  width: number;
  height: number;
  diameter: number;
}

export interface FineTuneOptions {
  steps: number;
  learningRate: number;
  /** Weight of staying close to the base model's own prediction on unlabelled pixels (keeps what strokes do not say). */
  distillation: number;
  /**
   * Each class present weighs the same in total (true), or every labelled pixel the same (false: a few boundary
   * strokes then nudge rather than dominate).
   */
  classBalance: boolean;
  /** Nuclei are brought to this multiple of the model's diameter, as the segmenter brings them (its workingScale). */
  workingScale: number;
  /**
   * What a stroke on a nucleus teaches: 'foreground' — the pixel is interior or boundary, whichever the model
   * says (a scientist marks nuclei, not their inner cores); 'interior' — the pixel is interior.
   */
  objectStrokes: 'foreground' | 'interior';
}

export const DEFAULT_FINE_TUNE: FineTuneOptions = {
  steps: 120,
  learningRate: 0.003,
  distillation: 10,
  classBalance: false,
  workingScale: DEFAULT_SEGMENT_OPTIONS.workingScale,
  objectStrokes: 'foreground',
};

/** The layers fine-tuning adapts: the last decoder convolution(s) at full resolution and the head. */
export function fineTunedLayers(model: NetworkModel): string[] {
  const ops = networkOps(model.spec);
  const lastMerge = ops.map((o) => o.op).lastIndexOf('addRelu');
  return ops.slice(lastMerge + 1).flatMap((o) => (o.op === 'conv' ? [o.name] : []));
}

/** Log-probability offset of a class a stroke rules out: exp of it is 0 in float32. */
const EXCLUDED = -1e4;

interface Prepared {
  features: Tensor4D;
  base: Tensor;
  /** 0 where a labelled pixel's stroke allows the class, a large negative number where it does not. */
  excluded: Tensor;
  /** The stroke's class per pixel of the working grid (-1: unlabelled), and the grid's size. */
  strokes: Int8Array;
  width: number;
  height: number;
}

/**
 * Adapts a network model to a scientist's strokes, starting from its own weights: each image is brought to the
 * model's working scale, the frozen part of the network (everything up to the last skip connection) runs once,
 * and only the last full-resolution layers are trained — on the labelled pixels (cross-entropy over the classes
 * each stroke allows), while unlabelled pixels are held near the base model's prediction (distillation). A few
 * strokes thus correct the base model where it errs instead of replacing it. Deterministic (one thread, fixed order).
 */
export async function fineTuneNetwork(
  model: NetworkModel,
  images: SparseImage[],
  opts: FineTuneOptions = DEFAULT_FINE_TUNE,
): Promise<NetworkModel> {
  const tf = await tensorflow();
  const trainable = new Set(fineTunedLayers(model));
  const ops = networkOps(model.spec);
  const frozenOutput = ops[ops.findIndex((o) => o.op === 'conv' && trainable.has(o.name))]!;
  if (frozenOutput.op !== 'conv') throw new Error('the network has no trainable tail');
  const baseVars = toVariables(tf, model.spec, model.weights, { trainable: false });
  const counts = [0, 0, 0];
  const prepared: Prepared[] = images.map((img) => {
    const size = scaledSize(img.width, img.height, (model.diameter * opts.workingScale) / img.diameter);
    const m = sizeMultiple(model.spec);
    const w = Math.ceil(size.width / m) * m;
    const h = Math.ceil(size.height / m) * m;
    const plane = resample(img.plane, img.width, img.height, size.width, size.height);
    const padded = new Float32Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        padded[y * w + x] = plane[Math.min(y, size.height - 1) * size.width + Math.min(x, size.width - 1)]!;
    // Strokes are splatted onto the working grid, so thin strokes survive shrinking.
    const labels = new Uint8Array(w * h);
    const sx = size.width / img.width;
    const sy = size.height / img.height;
    for (let i = 0; i < img.labels.length; i++) {
      const l = img.labels[i]!;
      if (!l) continue;
      const x = Math.min(size.width - 1, Math.floor(((i % img.width) + 0.5) * sx));
      const y = Math.min(size.height - 1, Math.floor((Math.floor(i / img.width) + 0.5) * sy));
      labels[y * w + x] = l;
    }
    const excluded = new Float32Array(w * h * 3).fill(EXCLUDED);
    const strokes = new Int8Array(w * h).fill(-1);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      if (!l) continue;
      const c = l - 1;
      if (c !== BACKGROUND && c !== INTERIOR && c !== BOUNDARY) continue;
      strokes[i] = c;
      excluded[i * 3 + c] = 0;
      if (c === INTERIOR && opts.objectStrokes === 'foreground') excluded[i * 3 + BOUNDARY] = 0;
      counts[c]!++;
    }
    const tensors = tf.tidy(() => {
      const values = forward(tf, model.spec, baseVars, tf.tensor4d(padded, [1, h, w, 1]));
      return {
        features: tf.keep(values.get(frozenOutput.input)!),
        base: tf.keep(tf.softmax(values.get(LOGITS)!)),
        excluded: tf.keep(tf.tensor4d(excluded, [1, h, w, 3])),
      };
    });
    return { ...tensors, strokes, width: w, height: h };
  });
  const present = counts.filter((c) => c > 0).length;
  const labelled = counts.reduce((a, b) => a + b, 0);
  const classWeight = counts.map((c) => (c === 0 ? 0 : opts.classBalance ? 1 / (present * c) : 1 / labelled));
  const tuned = toVariables(tf, model.spec, model.weights, { layers: [...trainable] });
  const tailOps = ops.slice(ops.indexOf(frozenOutput));
  const tail = (features: Tensor4D) => {
    let x = features;
    for (const o of tailOps) {
      if (o.op !== 'conv') continue;
      const y = tf.add(
        tf.conv2d(x, tuned.kernels.get(o.name)! as Tensor4D, 1, 'same'),
        tuned.biases.get(o.name)!,
      ) as Tensor4D;
      x = o.relu ? tf.relu(y) : y;
    }
    return x;
  };
  const optimizer = tf.train.adam(opts.learningRate);
  // Each labelled pixel weighs its class' weight; constant over the steps, so made once.
  const pixelWeights = prepared.map((p) =>
    tf.tensor3d(
      Float32Array.from(p.strokes, (c) => (c < 0 ? 0 : classWeight[c]!)),
      [1, p.height, p.width],
    ),
  );
  for (let step = 0; step < opts.steps; step++) {
    const loss = optimizer.minimize(
      () => {
        let total: Tensor = tf.scalar(0);
        prepared.forEach((p, k) => {
          const logLikelihood = tf.logSoftmax(tail(p.features));
          // log Σ p(c) over the classes the stroke allows (one, or interior + boundary for a nucleus stroke).
          const allowed = tf.logSumExp(tf.add(logLikelihood, p.excluded), -1);
          const supervised = tf.neg(tf.sum(tf.mul(pixelWeights[k]!, allowed)));
          const distill = tf.neg(tf.mean(tf.sum(tf.mul(p.base, logLikelihood), -1)));
          total = tf.add(total, tf.add(supervised, tf.mul(distill, opts.distillation / prepared.length)));
        });
        return total as never;
      },
      true,
      tuned.list,
    );
    loss?.dispose();
  }
  const weights = { ...model.weights, ...(await fromVariables(model.spec, tuned)) };
  optimizer.dispose();
  for (const v of [...tuned.list, ...baseVars.list, ...pixelWeights]) v.dispose();
  for (const p of prepared) for (const t of [p.features, p.base, p.excluded]) t.dispose();
  return { ...model, weights };
}

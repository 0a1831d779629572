import type { Tensor } from '@tensorflow/tfjs';
import { seededRandom } from '../classifier/random.js';
import { forward, fromVariables, initialWeights, toVariables } from './forward.js';
import { LOGITS, type NetworkSpec, type NetworkWeights } from './network.js';
import { type PatchOptions, samplePatch, type TrainingImage } from './patches.js';
import { tensorflow } from './tf.js';

export interface NetworkTrainingOptions {
  spec: NetworkSpec;
  steps: number;
  batch: number;
  patch: PatchOptions;
  seed: number;
  /** Peak learning rate (Adam); warm-up over the first 2 % of steps, then a cosine decay to 2 % of it. */
  learningRate: number;
  /** Start from these weights (fine-tuning) instead of a seeded initialisation. */
  initial?: NetworkWeights;
  /** Called every `every` steps with the mean loss since the last call. */
  progress?: { every: number; report: (step: number, loss: number, seconds: number) => void };
}

export function learningRateAt(step: number, opts: Pick<NetworkTrainingOptions, 'steps' | 'learningRate'>): number {
  const warmup = Math.max(1, Math.round(opts.steps * 0.02));
  if (step < warmup) return (opts.learningRate * (step + 1)) / warmup;
  const t = (step - warmup) / Math.max(1, opts.steps - warmup);
  return opts.learningRate * (0.02 + 0.98 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

/**
 * Trains the network on random patches of the images (weighted by the square root of their area at the canonical
 * scale, so large fields give more patches without drowning the many small ones): weighted cross-entropy over
 * background / interior / boundary, Adam. Deterministic given `seed` (one thread, seeded sampling and
 * initialisation).
 */
export async function trainNetwork(images: TrainingImage[], opts: NetworkTrainingOptions): Promise<NetworkWeights> {
  const tf = await tensorflow();
  const random = seededRandom(opts.seed);
  const weights = opts.initial ?? initialWeights(opts.spec, opts.seed);
  const vars = toVariables(tf, opts.spec, weights);
  const share = images.map((img) => Math.sqrt(img.width * img.height) * (opts.patch.canonicalDiameter / img.diameter));
  let sum = 0;
  const cumulative = share.map((v) => (sum += v));
  const total = cumulative[cumulative.length - 1]!;
  const pick = () => {
    const r = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return images[lo]!;
  };
  const { size } = opts.patch;
  const k = opts.spec.classes;
  const optimizer = tf.train.adam(opts.learningRate);
  let lossSum = 0;
  let lossCount = 0;
  const started = performance.now();
  for (let step = 0; step < opts.steps; step++) {
    const x = new Float32Array(opts.batch * size * size);
    const y = new Float32Array(opts.batch * size * size * k);
    const w = new Float32Array(opts.batch * size * size);
    for (let b = 0; b < opts.batch; b++) {
      const p = samplePatch(pick(), opts.patch, random);
      x.set(p.image, b * size * size);
      w.set(p.weights, b * size * size);
      for (let i = 0; i < p.classes.length; i++) y[(b * size * size + i) * k + p.classes[i]!] = 1;
    }
    // tfjs' Adam reads its (protected) learning rate at every update; a schedule has no other way in.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(step, opts);
    const loss = tf.tidy(() => {
      const xs = tf.tensor4d(x, [opts.batch, size, size, 1]);
      const ys = tf.tensor4d(y, [opts.batch, size, size, k]);
      const ws = tf.tensor3d(w, [opts.batch, size, size]);
      const norm = Math.max(
        1,
        w.reduce((a, v) => a + v, 0),
      );
      return optimizer.minimize(
        () => {
          const logits = forward(tf, opts.spec, vars, xs).get(LOGITS)!;
          const perPixel = tf.neg(tf.sum(tf.mul(ys, tf.logSoftmax(logits)), -1));
          return tf.div(tf.sum(tf.mul(perPixel, ws)), norm) as Tensor as never;
        },
        true,
        vars.list,
      ) as Tensor;
    });
    lossSum += (await loss.data())[0]!;
    lossCount++;
    loss.dispose();
    if (opts.progress && ((step + 1) % opts.progress.every === 0 || step + 1 === opts.steps)) {
      opts.progress.report(step + 1, lossSum / lossCount, (performance.now() - started) / 1000);
      lossSum = 0;
      lossCount = 0;
    }
  }
  const result = await fromVariables(opts.spec, vars);
  optimizer.dispose();
  for (const v of vars.list) v.dispose();
  return result;
}

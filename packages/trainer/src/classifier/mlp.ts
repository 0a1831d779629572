import type { Samples, Standardization } from './dataset.js';
import { gaussian, seededRandom, shuffle } from './random.js';

/** `weights[o·inputs + i]`: the layout of an ONNX 1×1 Conv weight [outputs, inputs, 1, 1]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Dense layers with ReLU between them and a softmax after the last; one layer = multinomial logistic regression. */
export interface Mlp {
  layers: DenseLayer[];
}

export interface MlpOptions {
  /** Hidden units; 0 = logistic regression. */
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on weights (not biases). */
  weightDecay: number;
  seed: number;
}

export const DEFAULT_MLP_OPTIONS: MlpOptions = {
  hidden: 16,
  epochs: 20,
  batchSize: 64,
  learningRate: 0.005,
  weightDecay: 1e-4,
  seed: 1,
};

interface Param {
  value: Float64Array;
  grad: Float64Array;
  m: Float64Array;
  v: Float64Array;
  decay: boolean;
}

function param(size: number, decay: boolean): Param {
  return {
    value: new Float64Array(size),
    grad: new Float64Array(size),
    m: new Float64Array(size),
    v: new Float64Array(size),
    decay,
  };
}

/**
 * Trains on standardized features with mini-batch Adam and a class-balanced cross-entropy (strokes of one class
 * are often far longer than the other's). Deterministic: initialisation and batch order come from `seed`.
 * Returns the network with the standardization folded into its first layer, so it takes raw features. Yields to the
 * event loop after every epoch, so a caller training on its main thread keeps turning (the API trains on a worker
 * thread: compute/pool.ts).
 */
export async function trainMlp(
  samples: Samples,
  norm: Standardization,
  options: MlpOptions = DEFAULT_MLP_OPTIONS,
): Promise<Mlp> {
  const { count, width, classCount } = samples;
  const sizes = options.hidden > 0 ? [width, options.hidden, classCount] : [width, classCount];
  const random = seededRandom(options.seed);
  const weights: Param[] = [];
  const biases: Param[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const w = param(sizes[l]! * sizes[l + 1]!, true);
    const he = Math.sqrt(2 / sizes[l]!);
    for (let i = 0; i < w.value.length; i++) w.value[i] = gaussian(random) * he;
    weights.push(w);
    biases.push(param(sizes[l + 1]!, false));
  }
  const params = [...weights, ...biases];

  const perClass = new Float64Array(classCount);
  for (let i = 0; i < count; i++) perClass[samples.classes[i]!]!++;
  const classWeight = Array.from(perClass, (n) => (n > 0 ? count / (classCount * n) : 0));

  // Standardised once, not once per epoch.
  const xs = new Float64Array(count * width);
  for (let i = 0; i < count; i++) {
    for (let f = 0; f < width; f++) {
      xs[i * width + f] = (samples.features[i * width + f]! - norm.mean[f]!) / norm.scale[f]!;
    }
  }
  const acts = sizes.map((n) => new Float64Array(n));
  const deltas = sizes.map((n) => new Float64Array(n));
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (epoch > 0) await new Promise(setImmediate);
    shuffle(order, random);
    for (let start = 0; start < count; start += options.batchSize) {
      const end = Math.min(count, start + options.batchSize);
      for (const p of params) p.grad.fill(0);
      for (let b = start; b < end; b++) {
        const row = order[b]!;
        const input = acts[0]!;
        for (let f = 0; f < width; f++) input[f] = xs[row * width + f]!;
        forward(sizes, weights, biases, acts);
        // Softmax cross-entropy: dL/dz = p − onehot, times the class weight.
        const target = samples.classes[row]!;
        const out = acts[sizes.length - 1]!;
        const last = deltas[sizes.length - 1]!;
        const cw = classWeight[target]!;
        for (let k = 0; k < classCount; k++) last[k] = cw * (out[k]! - (k === target ? 1 : 0));
        backward(sizes, weights, biases, acts, deltas);
      }
      step++;
      const n = end - start;
      const lr = options.learningRate;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      for (const p of params) {
        for (let i = 0; i < p.value.length; i++) {
          const g = p.grad[i]! / n + (p.decay ? options.weightDecay * p.value[i]! : 0);
          p.m[i] = beta1 * p.m[i]! + (1 - beta1) * g;
          p.v[i] = beta2 * p.v[i]! + (1 - beta2) * g * g;
          p.value[i]! -= (lr * (p.m[i]! / c1)) / (Math.sqrt(p.v[i]! / c2) + 1e-8);
        }
      }
    }
  }
  return foldStandardization(sizes, weights, biases, norm);
}

/** acts[0] holds the input; fills the other layers (ReLU hidden, softmax output). */
function forward(sizes: number[], weights: Param[], biases: Param[], acts: Float64Array[]): void {
  const layers = sizes.length - 1;
  for (let l = 0; l < layers; l++) {
    const input = acts[l]!;
    const output = acts[l + 1]!;
    const w = weights[l]!.value;
    const b = biases[l]!.value;
    const nIn = sizes[l]!;
    for (let o = 0; o < sizes[l + 1]!; o++) {
      let z = b[o]!;
      const base = o * nIn;
      for (let i = 0; i < nIn; i++) z += w[base + i]! * input[i]!;
      output[o] = l + 1 < layers ? Math.max(0, z) : z;
    }
  }
  softmaxInPlace(acts[layers]!);
}

/** deltas[last] holds dL/dz of the output; accumulates parameter gradients. */
function backward(sizes: number[], weights: Param[], biases: Param[], acts: Float64Array[], deltas: Float64Array[]) {
  for (let l = sizes.length - 2; l >= 0; l--) {
    const delta = deltas[l + 1]!;
    const input = acts[l]!;
    const { grad, value } = weights[l]!;
    const biasGrad = biases[l]!.grad;
    const nIn = sizes[l]!;
    const prev = deltas[l]!;
    if (l > 0) prev.fill(0);
    for (let o = 0; o < sizes[l + 1]!; o++) {
      const d = delta[o]!;
      if (d === 0) continue;
      biasGrad[o]! += d;
      const base = o * nIn;
      for (let i = 0; i < nIn; i++) grad[base + i]! += d * input[i]!;
      if (l > 0) for (let i = 0; i < nIn; i++) prev[i]! += d * value[base + i]!;
    }
    // ReLU derivative of the hidden activation.
    if (l > 0) for (let i = 0; i < nIn; i++) if (input[i]! <= 0) prev[i] = 0;
  }
}

export function softmaxInPlace(z: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let k = 0; k < z.length; k++) {
    z[k] = Math.exp(z[k]! - max);
    sum += z[k]!;
  }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum;
}

function foldStandardization(sizes: number[], weights: Param[], biases: Param[], norm: Standardization): Mlp {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l]!;
    const nOut = sizes[l + 1]!;
    const w = Float32Array.from(weights[l]!.value);
    const b = Float32Array.from(biases[l]!.value);
    if (l === 0) {
      // w·(x − mean)/scale + b = (w/scale)·x + (b − Σ w·mean/scale)
      for (let o = 0; o < nOut; o++) {
        let shift = biases[0]!.value[o]!;
        for (let i = 0; i < nIn; i++) {
          const wi = weights[0]!.value[o * nIn + i]! / norm.scale[i]!;
          w[o * nIn + i] = wi;
          shift -= wi * norm.mean[i]!;
        }
        b[o] = shift;
      }
    }
    layers.push({ inputs: nIn, outputs: nOut, weights: w, bias: b });
  }
  return { layers };
}

/** Class probabilities of one raw feature row (the same arithmetic the exported graph runs). */
export function predict(mlp: Mlp, row: ArrayLike<number>): Float64Array {
  let input = Float64Array.from(row);
  mlp.layers.forEach((layer, l) => {
    const output = new Float64Array(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      let z = layer.bias[o]!;
      for (let i = 0; i < layer.inputs; i++) z += layer.weights[o * layer.inputs + i]! * input[i]!;
      output[o] = l + 1 < mlp.layers.length ? Math.max(0, z) : z;
    }
    input = output;
  });
  softmaxInPlace(input);
  return input;
}

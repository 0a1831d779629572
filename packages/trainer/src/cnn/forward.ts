import type { Tensor4D, Variable } from '@tensorflow/tfjs';
import { gaussian, seededRandom } from '../classifier/random.js';
import { INPUT, LOGITS, type NetworkSpec, type NetworkWeights, networkLayers, networkOps } from './network.js';
import type { Tf } from './tf.js';

export interface NetworkVariables {
  kernels: Map<string, Variable>;
  biases: Map<string, Variable>;
  list: Variable[];
}

/** He-normal kernels and zero biases from a seeded generator (reproducible bit for bit). */
export function initialWeights(spec: NetworkSpec, seed: number): NetworkWeights {
  const random = seededRandom(seed);
  const weights: NetworkWeights = {};
  for (const layer of networkLayers(spec)) {
    const fanIn = layer.kernel * layer.kernel * layer.inputs;
    const kernel = new Float32Array(fanIn * layer.outputs);
    const sd = Math.sqrt(2 / fanIn);
    for (let i = 0; i < kernel.length; i++) kernel[i] = gaussian(random) * sd;
    weights[layer.name] = { kernel, bias: new Float32Array(layer.outputs) };
  }
  return weights;
}

/** Variables of the network's layers (or of `layers` only). */
export function toVariables(
  tf: Tf,
  spec: NetworkSpec,
  weights: NetworkWeights,
  opts: { trainable?: boolean; layers?: readonly string[] } = {},
): NetworkVariables {
  const trainable = opts.trainable ?? true;
  const kernels = new Map<string, Variable>();
  const biases = new Map<string, Variable>();
  const list: Variable[] = [];
  for (const layer of networkLayers(spec)) {
    if (opts.layers && !opts.layers.includes(layer.name)) continue;
    const w = weights[layer.name];
    if (!w) throw new Error(`no weights for layer '${layer.name}'`);
    const k = tf.variable(tf.tensor4d(w.kernel, [layer.kernel, layer.kernel, layer.inputs, layer.outputs]), trainable);
    const b = tf.variable(tf.tensor1d(w.bias), trainable);
    kernels.set(layer.name, k);
    biases.set(layer.name, b);
    list.push(k, b);
  }
  return { kernels, biases, list };
}

export async function fromVariables(spec: NetworkSpec, vars: NetworkVariables): Promise<NetworkWeights> {
  const weights: NetworkWeights = {};
  for (const layer of networkLayers(spec)) {
    if (!vars.kernels.has(layer.name)) continue;
    weights[layer.name] = {
      kernel: (await vars.kernels.get(layer.name)!.data()) as Float32Array,
      bias: (await vars.biases.get(layer.name)!.data()) as Float32Array,
    };
  }
  return weights;
}

/**
 * The network on a batch [B, H, W, C] → class logits [B, H, W, K], and every named value on the way (the
 * fine-tuner reads the features before the head).
 */
export function forward(tf: Tf, spec: NetworkSpec, vars: NetworkVariables, input: Tensor4D): Map<string, Tensor4D> {
  const values = new Map<string, Tensor4D>([[INPUT, input]]);
  const get = (name: string) => values.get(name)!;
  for (const o of networkOps(spec)) {
    if (o.op === 'conv') {
      const kernel = vars.kernels.get(o.name)! as Tensor4D;
      const y = tf.add(tf.conv2d(get(o.input), kernel, 1, 'same'), vars.biases.get(o.name)!) as Tensor4D;
      values.set(o.output, o.relu ? tf.relu(y) : y);
    } else if (o.op === 'pool') {
      values.set(o.output, tf.maxPool(get(o.input), 2, 2, 'valid'));
    } else if (o.op === 'upsample') {
      const x = get(o.input);
      values.set(o.output, tf.image.resizeNearestNeighbor(x, [x.shape[1] * 2, x.shape[2] * 2]));
    } else {
      values.set(o.output, tf.relu(tf.add(get(o.inputs[0]), get(o.inputs[1]))) as Tensor4D);
    }
  }
  if (!values.has(LOGITS)) throw new Error('the network has no logits');
  return values;
}

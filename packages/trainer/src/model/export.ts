import { encodeModel, GraphBuilder, tensor } from '@platescale/onnx';
import { MODEL_METADATA } from '@platescale/segmenter';
import type { DenseLayer, Mlp } from '../classifier/mlp.js';
import { addFeatureBank, type FeatureKind, minimumImageSide } from '../features/bank.js';
import type { Normalization } from '../features/normalize.js';

/** Everything the exported graph and its metadata are made of. */
export interface PixelClassifier {
  channels: string[];
  classes: string[];
  /** Index into `classes` of the class the segmenter counts as objects. */
  foreground: number;
  sigmas: number[];
  /** The bank's feature kinds at every σ (a subset of FEATURE_KINDS, in its order). */
  features: FeatureKind[];
  normalization: Normalization;
  mlp: Mlp;
  /** CellProfiler object name the segmenter reports the foreground as (Count_<objects>). */
  objects: string;
}

/** Keys of the model's own description in metadata_props (next to the segmenter's MODEL_METADATA). */
export const TRAINER_METADATA = {
  classes: 'platescale.classes',
  channels: 'platescale.channels',
  foreground: 'platescale.foreground',
  sigmas: 'platescale.sigmas',
  features: 'platescale.features',
  normalization: 'platescale.normalization',
  classifier: 'platescale.classifier',
} as const;

/**
 * Softmax over axis 1 of [1, K, H, W] from elementwise ops and reductions: onnxruntime's Softmax on a non-last
 * axis transposes the whole tensor twice (measured: a third of the preview time).
 */
function softmaxOverClasses(g: GraphBuilder, logits: string): string {
  const [max] = g.node('ReduceMax', [logits], { axes: [1], keepdims: 1 }, { name: 'softmax_max' });
  const [shifted] = g.node('Sub', [logits, max!], {}, { name: 'softmax_shift' });
  const [exp] = g.node('Exp', [shifted!], {}, { name: 'softmax_exp' });
  const axes = g.initializer('softmax_axes', tensor.int64([1], [1]));
  const [sum] = g.node('ReduceSum', [exp!, axes], { keepdims: 1 }, { name: 'softmax_sum' });
  return g.node('Div', [exp!, sum!], {}, { name: 'softmax' })[0]!;
}

/** A dense layer as the weight and bias initializers of a 1×1 Conv. */
function dense(g: GraphBuilder, name: string, layer: DenseLayer): [string, string] {
  return [
    g.initializer(`${name}_w`, tensor.float32([layer.outputs, layer.inputs, 1, 1], layer.weights)),
    g.initializer(`${name}_b`, tensor.float32([layer.outputs], layer.bias)),
  ];
}

/** K classes: logits → softmax → the foreground plane sliced out. */
function manyClassOutputs(g: GraphBuilder, x: string, layer: DenseLayer, fg: number) {
  const [logits] = g.node('Conv', [x, ...dense(g, 'classifier_out', layer)], {}, { name: 'classifier_logits' });
  const probabilities = softmaxOverClasses(g, logits!);
  const at = (name: string, v: number) => g.initializer(name, tensor.int64([1], [v]));
  const [foreground] = g.node(
    'Slice',
    [probabilities, at('foreground_start', fg), at('foreground_end', fg + 1), at('class_axis', 1)],
    {},
    { name: 'foreground_slice' },
  );
  return { foreground: foreground!, probabilities };
}

/**
 * Two classes: softmax([a, b]) = [σ(a − b), σ(b − a)], so one Conv output (the logits' difference, folded into the
 * weights) and a Sigmoid give the foreground exactly; the other class is 1 − p. Measured on a 1024² image: the
 * softmax's two reductions over the class axis cost 16 ms, this ~3 ms.
 */
function twoClassOutputs(g: GraphBuilder, x: string, layer: DenseLayer, fg: number) {
  const bg = 1 - fg;
  const weights = new Float32Array(layer.inputs);
  for (let i = 0; i < layer.inputs; i++) {
    weights[i] = layer.weights[fg * layer.inputs + i]! - layer.weights[bg * layer.inputs + i]!;
  }
  const bias = Float32Array.of(layer.bias[fg]! - layer.bias[bg]!);
  const difference = { inputs: layer.inputs, outputs: 1, weights, bias };
  const [logit] = g.node('Conv', [x, ...dense(g, 'classifier_out', difference)], {}, { name: 'classifier_logit' });
  const [foreground] = g.node('Sigmoid', [logit!], {}, { name: 'foreground_sigmoid' });
  const one = g.initializer('one', tensor.float32([], [1]));
  const [other] = g.node('Sub', [one, foreground!], {}, { name: 'background_complement' });
  const planes = fg === 1 ? [other!, foreground!] : [foreground!, other!];
  const [probabilities] = g.node('Concat', planes, { axis: 1 }, { name: 'probabilities_concat' });
  return { foreground: foreground!, probabilities: probabilities! };
}

/** Output names: the segmenter reads the first output, [1, 1, H, W]; `probabilities` has every class. */
export const FOREGROUND = 'foreground';
export const PROBABILITIES = 'probabilities';

/**
 * One self-contained ONNX model: `image` [1, C, H, W] float32 (samples scaled to [0, 1], as the segmenter feeds
 * them) → filter bank → the classifier as 1×1 convolutions (ReLU between layers) → softmax over the class axis (for
 * two classes the equal, cheaper sigmoid of the logits' difference) →
 * `foreground` [1, 1, H, W] (the foreground class's probability, what the segmenter thresholds) and
 * `probabilities` [1, K, H, W]. H and W are free.
 */
export function encodePixelClassifier(model: PixelClassifier): Uint8Array {
  const g = new GraphBuilder('platescale_pixel_classifier', 'filter bank + per-pixel classifier (platescale trainer)');
  const image = g.input('image', 'float32', [1, model.channels.length, 'H', 'W']);
  let x = addFeatureBank(g, image, model.sigmas, model.normalization, model.features);
  const last = model.mlp.layers.length - 1;
  model.mlp.layers.slice(0, last).forEach((layer, l) => {
    [x] = g.node('Conv', [x, ...dense(g, `classifier_${l}`, layer)], {}, { name: `classifier_dense${l}` }) as [string];
    [x] = g.node('Relu', [x], {}, { name: `classifier_relu${l}` }) as [string];
  });
  const output = model.mlp.layers[last]!;
  const { foreground, probabilities } =
    model.classes.length === 2
      ? twoClassOutputs(g, x, output, model.foreground)
      : manyClassOutputs(g, x, output, model.foreground);
  g.output(foreground, 'float32', [1, 1, 'H', 'W'], FOREGROUND);
  g.output(probabilities, 'float32', [1, model.classes.length, 'H', 'W'], PROBABILITIES);
  // Only what the bytes are made of goes in: the same training gives the same file (and content hash).
  const metadata = {
    [MODEL_METADATA.output]: 'probability',
    [MODEL_METADATA.threshold]: '0.5',
    [MODEL_METADATA.halo]: String(minimumImageSide(model.sigmas)),
    [MODEL_METADATA.objects]: model.objects,
    [TRAINER_METADATA.classes]: JSON.stringify(model.classes),
    [TRAINER_METADATA.channels]: JSON.stringify(model.channels),
    [TRAINER_METADATA.foreground]: model.classes[model.foreground]!,
    [TRAINER_METADATA.sigmas]: JSON.stringify(model.sigmas),
    [TRAINER_METADATA.features]: JSON.stringify(model.features),
    [TRAINER_METADATA.normalization]: model.normalization,
    [TRAINER_METADATA.classifier]: model.mlp.layers.map((l) => `${l.inputs}→${l.outputs}`).join(' relu '),
  };
  return encodeModel(g.build(), { opset: 17, producerName: 'platescale trainer', metadata });
}

import { attr, encodeModel, GraphBuilder, tensor } from '@platescale/onnx';
import { MODEL_METADATA } from '@platescale/segmentation';
import type { Forest } from '../classifier/forest.js';
import type { ClassifierHead } from '../classifier/head.js';
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
  /** The per-pixel classifier on the bank's features: an MLP (1×1 convolutions) or a random forest. */
  head: ClassifierHead;
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
export function softmaxOverClasses(g: GraphBuilder, logits: string): string {
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

/** The foreground plane of [1, K, H, W] probabilities. */
function foregroundPlane(g: GraphBuilder, probabilities: string, fg: number): string {
  const at = (name: string, v: number) => g.initializer(name, tensor.int64([1], [v]));
  const [foreground] = g.node(
    'Slice',
    [probabilities, at('foreground_start', fg), at('foreground_end', fg + 1), at('class_axis', 1)],
    {},
    { name: 'foreground_slice' },
  );
  return foreground!;
}

/** K classes: logits → softmax → the foreground plane sliced out. */
function manyClassOutputs(g: GraphBuilder, x: string, layer: DenseLayer, fg: number) {
  const [logits] = g.node('Conv', [x, ...dense(g, 'classifier_out', layer)], {}, { name: 'classifier_logits' });
  const probabilities = softmaxOverClasses(g, logits!);
  return { foreground: foregroundPlane(g, probabilities, fg), probabilities };
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

/** Hidden layers (1×1 Conv + ReLU), then the output layer as softmax or, for two classes, a sigmoid. */
function mlpOutputs(g: GraphBuilder, features: string, mlp: Mlp, classes: number, fg: number) {
  let x = features;
  const last = mlp.layers.length - 1;
  mlp.layers.slice(0, last).forEach((layer, l) => {
    [x] = g.node('Conv', [x, ...dense(g, `classifier_${l}`, layer)], {}, { name: `classifier_dense${l}` }) as [string];
    [x] = g.node('Relu', [x], {}, { name: `classifier_relu${l}` }) as [string];
  });
  const output = mlp.layers[last]!;
  return classes === 2 ? twoClassOutputs(g, x, output, fg) : manyClassOutputs(g, x, output, fg);
}

/**
 * ONNX-ML TreeEnsembleClassifier attributes: every node of every tree (BRANCH_LEQ or LEAF), and every leaf's
 * probability of every class divided by the tree count, so that the summed scores (post_transform NONE) are the
 * forest's mean. Zero weights are listed too: with two classes onnxruntime otherwise treats the ensemble as a
 * binary scorer and derives one class's score from the other's.
 */
function treeEnsembleAttributes(forest: Forest) {
  const { classCount } = forest;
  const nodes = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    featureIds: [] as number[],
    values: [] as number[],
    modes: [] as string[],
    trueIds: [] as number[],
    falseIds: [] as number[],
  };
  const leaves = {
    treeIds: [] as number[],
    nodeIds: [] as number[],
    classIds: [] as number[],
    weights: [] as number[],
  };
  forest.trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      const leaf = tree.feature[n]! < 0;
      nodes.treeIds.push(t);
      nodes.nodeIds.push(n);
      nodes.featureIds.push(leaf ? 0 : tree.feature[n]!);
      nodes.values.push(leaf ? 0 : tree.threshold[n]!);
      nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
      nodes.trueIds.push(leaf ? 0 : tree.left[n]!);
      nodes.falseIds.push(leaf ? 0 : tree.right[n]!);
      if (!leaf) continue;
      for (let k = 0; k < classCount; k++) {
        leaves.treeIds.push(t);
        leaves.nodeIds.push(n);
        leaves.classIds.push(k);
        leaves.weights.push(tree.leafValues[n * classCount + k]! / forest.trees.length);
      }
    }
  });
  return {
    nodes_treeids: attr.ints(nodes.treeIds),
    nodes_nodeids: attr.ints(nodes.nodeIds),
    nodes_featureids: attr.ints(nodes.featureIds),
    nodes_values: attr.floats(nodes.values),
    nodes_modes: attr.strings(nodes.modes),
    nodes_truenodeids: attr.ints(nodes.trueIds),
    nodes_falsenodeids: attr.ints(nodes.falseIds),
    class_treeids: attr.ints(leaves.treeIds),
    class_nodeids: attr.ints(leaves.nodeIds),
    class_ids: attr.ints(leaves.classIds),
    class_weights: attr.floats(leaves.weights),
    classlabels_int64s: attr.ints(Array.from({ length: classCount }, (_, k) => k)),
    post_transform: attr.string('NONE'),
  };
}

/**
 * Features [1, F, H, W] → one row per pixel [H·W, F] → TreeEnsembleClassifier's scores [H·W, K] (its label output
 * is left unused) → [1, K, H, W] again.
 */
function forestOutputs(g: GraphBuilder, features: string, forest: Forest, fg: number) {
  const int64s = (name: string, values: number[]) => g.initializer(name, tensor.int64([values.length], values));
  const [pixelsLast] = g.node('Transpose', [features], { perm: [0, 2, 3, 1] }, { name: 'forest_channels_last' });
  const rowsShape = int64s('forest_rows_shape', [-1, forest.features]);
  const [rows] = g.node('Reshape', [pixelsLast!, rowsShape], {}, { name: 'forest_rows' });
  const [, scores] = g.node('TreeEnsembleClassifier', [rows!], treeEnsembleAttributes(forest), {
    name: 'forest',
    domain: 'ai.onnx.ml',
    outputs: 2,
  });
  const [size] = g.node('Shape', [features], { start: 2, end: 4 }, { name: 'forest_image_size' });
  const [shape] = g.node(
    'Concat',
    [int64s('forest_batch', [1]), size!, int64s('forest_classes', [forest.classCount])],
    { axis: 0 },
    { name: 'forest_planes_shape' },
  );
  const [planesLast] = g.node('Reshape', [scores!, shape!], {}, { name: 'forest_planes_last' });
  const [probabilities] = g.node('Transpose', [planesLast!], { perm: [0, 3, 1, 2] }, { name: 'forest_planes' });
  return { foreground: foregroundPlane(g, probabilities!, fg), probabilities: probabilities! };
}

/** What `platescale.classifier` says the classifier is. */
function describe(head: ClassifierHead): string {
  if (head.kind === 'forest') return `forest ${head.forest.trees.length} trees depth ≤ ${head.forest.maxDepth}`;
  return head.mlp.layers.map((l) => `${l.inputs}→${l.outputs}`).join(' relu ');
}

/** Output names: the segmenter reads the first output, [1, 1, H, W]; `probabilities` has every class. */
export const FOREGROUND = 'foreground';
export const PROBABILITIES = 'probabilities';

/**
 * One self-contained ONNX model: `image` [1, C, H, W] float32 (samples scaled to [0, 1], as the segmenter feeds
 * them) → filter bank → the classifier: an MLP as 1×1 convolutions (ReLU between layers) → softmax over the class
 * axis (for two classes the equal, cheaper sigmoid of the logits' difference), or a random forest as an ONNX-ML
 * TreeEnsembleClassifier over the pixels →
 * `foreground` [1, 1, H, W] (the foreground class's probability, what the segmenter thresholds) and
 * `probabilities` [1, K, H, W]. H and W are free.
 */
export function encodePixelClassifier(model: PixelClassifier): Uint8Array {
  const g = new GraphBuilder('platescale_pixel_classifier', 'filter bank + per-pixel classifier (platescale trainer)');
  const image = g.input('image', 'float32', [1, model.channels.length, 'H', 'W']);
  const features = addFeatureBank(g, image, model.sigmas, model.normalization, model.features);
  const { head } = model;
  const { foreground, probabilities } =
    head.kind === 'forest'
      ? forestOutputs(g, features, head.forest, model.foreground)
      : mlpOutputs(g, features, head.mlp, model.classes.length, model.foreground);
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
    [TRAINER_METADATA.classifier]: describe(head),
  };
  return encodeModel(g.build(), { opset: 17, producerName: 'platescale trainer', metadata });
}

import { encodeModel, GraphBuilder, readFloatInitializers, readModelMetadata, tensor } from '@platescale/onnx';
import { MODEL_METADATA } from '@platescale/segmentation';
import { softmaxOverClasses } from '../model/export.js';
import {
  INPUT,
  LOGITS,
  type NetworkSpec,
  type NetworkWeights,
  networkLayers,
  networkOps,
  receptiveRadius,
  sizeMultiple,
} from './network.js';

export interface NetworkModel {
  spec: NetworkSpec;
  weights: NetworkWeights;
  classes: readonly string[];
  /** Nucleus diameter (px) the network was trained at: the segmenter brings every image to it. */
  diameter: number;
  objects: string;
  /** Input channel names, when the model was trained on named channels. */
  channels?: string[];
  /** Anything else to record (training set, seed, figures). */
  description?: Record<string, string>;
}

/** HWIO (tfjs) → OIHW (ONNX). */
function oihw(kernel: Float32Array, k: number, inputs: number, outputs: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < inputs; i++)
        for (let o = 0; o < outputs; o++)
          out[((o * inputs + i) * k + y) * k + x] = kernel[((y * k + x) * inputs + i) * outputs + o]!;
  return out;
}

/**
 * The network as one self-contained ONNX model: input `image` [1, C, H, W] (normalised, H and W multiples of
 * `platescale.multiple`), output `classes` [1, K, H, W] — class probabilities. Metadata tells the segmenter how to
 * feed and read it (MODEL_METADATA).
 */
export function encodeNetwork(model: NetworkModel): Uint8Array {
  const { spec, weights } = model;
  const g = new GraphBuilder('platescale_nuclei_unet', 'U-Net: background / interior / boundary per pixel');
  const names = new Map<string, string>([[INPUT, g.input('image', 'float32', [1, spec.inputs, 'H', 'W'])]]);
  const at = (v: string) => names.get(v)!;
  const up = g.initializer('upsample_scales', tensor.float32([4], [1, 1, 2, 2]));
  for (const o of networkOps(spec)) {
    if (o.op === 'conv') {
      const w = weights[o.name];
      if (!w) throw new Error(`no weights for layer '${o.name}'`);
      const kernel = g.initializer(
        `${o.name}_w`,
        tensor.float32([o.outputs, o.inputs, o.kernel, o.kernel], oihw(w.kernel, o.kernel, o.inputs, o.outputs)),
      );
      const bias = g.initializer(`${o.name}_b`, tensor.float32([o.outputs], w.bias));
      const p = (o.kernel - 1) / 2;
      let [y] = g.node('Conv', [at(o.input), kernel, bias], { pads: [p, p, p, p] }, { name: o.name });
      if (o.relu) [y] = g.node('Relu', [y!], {}, { name: `${o.name}_relu` });
      names.set(o.output, y!);
    } else if (o.op === 'pool') {
      names.set(
        o.output,
        g.node('MaxPool', [at(o.input)], { kernel_shape: [2, 2], strides: [2, 2] }, { name: o.output })[0]!,
      );
    } else if (o.op === 'upsample') {
      // Output pixel i takes input pixel ⌊i/2⌋, as tfjs' resizeNearestNeighbor does.
      const [y] = g.node(
        'Resize',
        [at(o.input), '', up],
        { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
        { name: o.output },
      );
      names.set(o.output, y!);
    } else {
      const [sum] = g.node('Add', [at(o.inputs[0]), at(o.inputs[1])], {}, { name: `${o.output}_add` });
      names.set(o.output, g.node('Relu', [sum!], {}, { name: o.output })[0]!);
    }
  }
  const probabilities = softmaxOverClasses(g, at(LOGITS));
  g.output(probabilities, 'float32', [1, spec.classes, 'H', 'W'], 'classes');
  return encodeModel(g.build(), {
    opset: 17,
    metadata: {
      [MODEL_METADATA.output]: 'classes',
      [MODEL_METADATA.classes]: JSON.stringify(model.classes),
      [MODEL_METADATA.input]: 'normalized',
      [MODEL_METADATA.diameter]: String(model.diameter),
      [MODEL_METADATA.multiple]: String(sizeMultiple(spec)),
      [MODEL_METADATA.halo]: String(receptiveRadius(spec)),
      [MODEL_METADATA.objects]: model.objects,
      [MODEL_METADATA.network]: JSON.stringify(spec),
      ...(model.channels ? { [MODEL_METADATA.channels]: JSON.stringify(model.channels) } : {}),
      ...model.description,
    },
  });
}

/** OIHW (ONNX) → HWIO (tfjs). */
function hwio(kernel: Float32Array, k: number, inputs: number, outputs: number): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let o = 0; o < outputs; o++)
    for (let i = 0; i < inputs; i++)
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++)
          out[((y * k + x) * inputs + i) * outputs + o] = kernel[((o * inputs + i) * k + y) * k + x]!;
  return out;
}

/** A network model back from its ONNX file (encodeNetwork's inverse), e.g. to fine-tune it; undefined if the file is no network model. */
export function decodeNetwork(bytes: Uint8Array): NetworkModel | undefined {
  const meta = readModelMetadata(bytes);
  const network = meta[MODEL_METADATA.network];
  if (meta[MODEL_METADATA.output] !== 'classes' || !network) return undefined;
  const spec = JSON.parse(network) as NetworkSpec;
  const initializers = readFloatInitializers(bytes);
  const weights: NetworkWeights = {};
  for (const layer of networkLayers(spec)) {
    const kernel = initializers.get(`${layer.name}_w`);
    const bias = initializers.get(`${layer.name}_b`);
    if (!kernel || !bias) return undefined;
    weights[layer.name] = { kernel: hwio(kernel.data, layer.kernel, layer.inputs, layer.outputs), bias: bias.data };
  }
  const channels = meta[MODEL_METADATA.channels];
  return {
    spec,
    weights,
    classes: JSON.parse(meta[MODEL_METADATA.classes] ?? '[]') as string[],
    diameter: Number(meta[MODEL_METADATA.diameter]),
    objects: meta[MODEL_METADATA.objects] ?? 'Nuclei',
    ...(channels ? { channels: JSON.parse(channels) as string[] } : {}),
  };
}

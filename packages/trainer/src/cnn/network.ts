/**
 * The nuclei network as data: a small U-Net described once as a list of operations, which `forward` (tfjs, for
 * training) and `encodeNetwork` (the ONNX graph the segmenter runs) both interpret, so the two can never disagree.
 *
 * Encoder: per level, 3×3 convolutions + ReLU, then 2×2 max-pooling. Decoder: the coarser features projected by a
 * 1×1 convolution to the finer level's width, upsampled 2× (nearest), added to the skip connection, ReLU, then 3×3
 * convolutions + ReLU. Head: a 1×1 convolution to class logits. Additive skips instead of concatenation: half the
 * decoder's cost at the full-resolution level, where most of the time goes.
 */

export interface NetworkSpec {
  /** Feature width per level, finest first; the image side must be a multiple of 2^(levels − 1). */
  widths: number[];
  /** 3×3 convolutions per encoder level. */
  encoderConvs: number[];
  /** 3×3 convolutions per decoder level. */
  decoderConvs: number;
  /** Input channels. */
  inputs: number;
  /** Output classes (background, interior, boundary). */
  classes: number;
}

export type Op =
  | {
      op: 'conv';
      name: string;
      input: string;
      output: string;
      kernel: number;
      inputs: number;
      outputs: number;
      relu: boolean;
    }
  | { op: 'pool'; input: string; output: string }
  | { op: 'upsample'; input: string; output: string }
  | { op: 'addRelu'; inputs: [string, string]; output: string };

export interface Layer {
  name: string;
  kernel: number;
  inputs: number;
  outputs: number;
}

export const INPUT = 'input';
export const LOGITS = 'logits';

/** The operations in execution order. Value names are unique. */
export function networkOps(spec: NetworkSpec): Op[] {
  const ops: Op[] = [];
  let x = INPUT;
  let width = spec.inputs;
  const conv = (name: string, kernel: number, outputs: number, relu: boolean) => {
    ops.push({ op: 'conv', name, input: x, output: name, kernel, inputs: width, outputs, relu });
    x = name;
    width = outputs;
  };
  const skips: string[] = [];
  const last = spec.widths.length - 1;
  spec.widths.forEach((w, level) => {
    for (let c = 0; c < spec.encoderConvs[level]!; c++) conv(`enc${level}_${c}`, 3, w, true);
    if (level < last) {
      skips.push(x);
      ops.push({ op: 'pool', input: x, output: `pool${level}` });
      x = `pool${level}`;
    }
  });
  for (let level = last - 1; level >= 0; level--) {
    conv(`up${level}_proj`, 1, spec.widths[level]!, false);
    ops.push({ op: 'upsample', input: x, output: `up${level}` });
    ops.push({ op: 'addRelu', inputs: [`up${level}`, skips[level]!], output: `merge${level}` });
    x = `merge${level}`;
    for (let c = 0; c < spec.decoderConvs; c++) conv(`dec${level}_${c}`, 3, spec.widths[level]!, true);
  }
  conv(LOGITS, 1, spec.classes, false);
  return ops;
}

/** The trainable layers (each a kernel [k, k, inputs, outputs] and a bias [outputs]), in op order. */
export function networkLayers(spec: NetworkSpec): Layer[] {
  return networkOps(spec).flatMap((o) =>
    o.op === 'conv' ? [{ name: o.name, kernel: o.kernel, inputs: o.inputs, outputs: o.outputs }] : [],
  );
}

/** Receptive-field radius in input pixels (tiles of a large image overlap by at least this much). */
export function receptiveRadius(spec: NetworkSpec): number {
  let radius = 0;
  let stride = 1;
  for (const o of networkOps(spec)) {
    if (o.op === 'conv') radius += ((o.kernel - 1) / 2) * stride;
    else if (o.op === 'pool') {
      radius += stride / 2;
      stride *= 2;
    } else if (o.op === 'upsample') stride /= 2;
  }
  return Math.ceil(radius);
}

/** Side multiple the network needs (one per pooling). */
export function sizeMultiple(spec: NetworkSpec): number {
  return 2 ** (spec.widths.length - 1);
}

/** Weights of every layer: kernel in [k, k, inputs, outputs] order (tfjs' HWIO), then bias. */
export type NetworkWeights = Record<string, { kernel: Float32Array; bias: Float32Array }>;

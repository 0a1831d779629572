import { encodeModel, GraphBuilder, tensor } from '@platescale/onnx';

/** How the segmenter reads a model's output; stored in the model's metadata_props. */
export const MODEL_METADATA = {
  /** 'probability' (0..1), 'logits', or 'intensity' (a foreground-enhanced image needing an adaptive threshold). */
  output: 'platescale.output',
  /** A number in probability space, or 'li' / 'otsu' (computed per image on the output map). */
  threshold: 'platescale.threshold',
  /** Receptive-field radius in pixels: tiles overlap by at least this much. */
  halo: 'platescale.halo',
  /** CellProfiler object name used in feature names (Count_<objects>). */
  objects: 'platescale.objects',
} as const;

const SIGMA = 1;
const RADIUS = 3;

function gaussian1d(): number[] {
  const w = Array.from({ length: 2 * RADIUS + 1 }, (_, i) => Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA * SIGMA)));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / sum);
}

/**
 * The default nuclei model: a denoising Gaussian (σ = 1 px, reflect-padded, separable) of the DNA channel.
 * Its output is a foreground-enhanced intensity map, thresholded per image by Otsu's method — IdentifyPrimaryObjects'
 * classical recipe, which carries over from synthetic to real widefield and confocal nuclear stains without
 * training data (minimum cross-entropy, CellProfiler's default, merges more touching nuclei on dense fields). Deterministic: the same bytes every build.
 */
export function buildDefaultModel(): Uint8Array {
  const g = new GraphBuilder('platescale-nuclei-default', 'Gaussian-smoothed nuclear stain; threshold: Otsu');
  const image = g.input('image', 'float32', [1, 1, 'H', 'W'], 'nuclear stain scaled to [0,1]');
  const pads = g.initializer('pads', tensor.int64([8], [0, 0, RADIUS, RADIUS, 0, 0, RADIUS, RADIUS]));
  const [padded] = g.node('Pad', [image, pads], { mode: 'reflect' });
  const k = gaussian1d();
  const kx = g.initializer('gauss_x', tensor.float32([1, 1, 1, k.length], k));
  const ky = g.initializer('gauss_y', tensor.float32([1, 1, k.length, 1], k));
  const [rowsSmoothed] = g.node('Conv', [padded!, kx]);
  const [smoothed] = g.node('Conv', [rowsSmoothed!, ky]);
  g.output(smoothed!, 'float32', [1, 1, 'H', 'W'], 'foreground');
  return encodeModel(g.build(), {
    opset: 17,
    producerName: 'platescale scripts/build-default-model.ts',
    metadata: {
      [MODEL_METADATA.output]: 'intensity',
      [MODEL_METADATA.threshold]: 'otsu',
      [MODEL_METADATA.halo]: String(RADIUS),
      [MODEL_METADATA.objects]: 'Nuclei',
    },
  });
}

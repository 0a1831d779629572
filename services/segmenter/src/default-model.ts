import { encodeModel, GraphBuilder } from '@platescale/onnx';

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
  /** JSON list of the input channels' names, in input order (models trained on named channels). */
  channels: 'platescale.channels',
} as const;

/** Two 3×3 box filters: a 5×5 binomial-like smoothing (σ ≈ 1.15 px), six times cheaper than a Gaussian Conv. */
const PASSES = 2;
/**
 * The default nuclei model: a denoising smoothing (σ ≈ 1.15 px; two 3×3 mean filters that average only
 * pixels inside the image, so borders are not darkened) of the DNA channel.
 * Its output is a foreground-enhanced intensity map, thresholded per image by Otsu's method — IdentifyPrimaryObjects'
 * classical recipe, which carries over from synthetic to real widefield and confocal nuclear stains without
 * training data (minimum cross-entropy, CellProfiler's default, merges more touching nuclei on dense fields). Deterministic: the same bytes every build.
 */
export function buildDefaultModel(): Uint8Array {
  const g = new GraphBuilder('platescale-nuclei-default', 'Gaussian-smoothed nuclear stain; threshold: Otsu');
  const image = g.input('image', 'float32', [1, 1, 'H', 'W'], 'nuclear stain scaled to [0,1]');
  let smoothed = image;
  for (let i = 0; i < PASSES; i++) {
    [smoothed] = g.node('AveragePool', [smoothed], {
      kernel_shape: [3, 3],
      pads: [1, 1, 1, 1],
      count_include_pad: 0,
    }) as [string];
  }
  g.output(smoothed, 'float32', [1, 1, 'H', 'W'], 'foreground');
  return encodeModel(g.build(), {
    opset: 17,
    producerName: 'platescale scripts/build-default-model.ts',
    metadata: {
      [MODEL_METADATA.output]: 'intensity',
      [MODEL_METADATA.threshold]: 'otsu',
      [MODEL_METADATA.halo]: String(PASSES),
      [MODEL_METADATA.objects]: 'Nuclei',
    },
  });
}

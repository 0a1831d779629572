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

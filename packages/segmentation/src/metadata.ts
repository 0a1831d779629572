/** How the segmenter reads a model's output; stored in the model's metadata_props. */
export const MODEL_METADATA = {
  /**
   * 'probability' (0..1), 'logits', 'intensity' (a foreground-enhanced image needing an adaptive threshold), or
   * 'classes': one probability plane per class of `classes` — background, interior, boundary — from which touching
   * objects are separated (instances.ts).
   */
  output: 'platescale.output',
  /** A number in probability space, or 'li' / 'otsu' (computed per image on the output map). */
  threshold: 'platescale.threshold',
  /** Receptive-field radius in pixels: tiles overlap by at least this much. */
  halo: 'platescale.halo',
  /** CellProfiler object name used in feature names (Count_<objects>). */
  objects: 'platescale.objects',
  /** JSON list of the input channels' names, in input order (models trained on named channels). */
  channels: 'platescale.channels',
  /** JSON list of the output classes (output 'classes'): background, interior, boundary. */
  classes: 'platescale.classes',
  /** 'raw' (samples / format maximum, the default) or 'normalized' (normalizeImage before the model). */
  input: 'platescale.input',
  /** Nucleus diameter (px) the model works at: each image is rescaled so its nuclei have it. */
  diameter: 'platescale.diameter',
  /** The input's height and width must be multiples of this (padded by the segmenter). */
  multiple: 'platescale.multiple',
  /** JSON of the network's architecture (NetworkSpec), so a model can be fine-tuned from its own weights. */
  network: 'platescale.network',
} as const;

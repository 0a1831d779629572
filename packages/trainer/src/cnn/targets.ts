/**
 * What the nuclei network learns per pixel, from instance labels: background, interior, or boundary — the inner
 * one-pixel ring of each nucleus (8-neighbourhood), so two touching nuclei are parted by a two-pixel band of
 * boundary that their interiors never cross. Separating touching nuclei then needs no size constant: each
 * connected interior region is one nucleus (see instances.ts in @platescale/segmentation).
 */
export const NUCLEI_CLASSES = ['background', 'interior', 'boundary'] as const;
export const BACKGROUND = 0;
export const INTERIOR = 1;
export const BOUNDARY = 2;

/** Loss weights: boundary pixels are few, and those between two nuclei decide every split or merge. */
export const BOUNDARY_WEIGHT = 2;
export const TOUCHING_WEIGHT = 6;

export interface PixelTargets {
  classes: Uint8Array;
  weights: Float32Array;
}

/** Classes and loss weights of a label image; pixels where `valid` is 0 weigh nothing. */
export function instanceTargets(
  labels: ArrayLike<number>,
  width: number,
  height: number,
  valid?: Uint8Array,
): PixelTargets {
  const n = width * height;
  const classes = new Uint8Array(n);
  const weights = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const l = labels[i]!;
      if (valid && !valid[i]) continue;
      if (l === 0) {
        weights[i] = 1;
        continue;
      }
      let edge = false;
      let touching = false;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width || (dx === 0 && dy === 0)) continue;
          const m = labels[yy * width + xx]!;
          if (m !== l) {
            edge = true;
            if (m !== 0) touching = true;
          }
        }
      }
      classes[i] = edge ? BOUNDARY : INTERIOR;
      weights[i] = touching ? TOUCHING_WEIGHT : edge ? BOUNDARY_WEIGHT : 1;
    }
  }
  return { classes, weights };
}

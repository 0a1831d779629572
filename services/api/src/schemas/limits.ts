/**
 * Limits the request schemas enforce whose owners are the segmentation core and the trainer. They are stated here
 * because importing either package to build a schema loads onnxruntime or TensorFlow.js (~250 MB of RSS) into
 * every API process; test/schemas/limits.test.ts holds them equal to the packages' own.
 */

/** Nucleus diameters (px) a user may set: `OBJECT_DIAMETER_RANGE` of @platescale/segmentation. */
export const OBJECT_DIAMETER_RANGE = { min: 2, max: 1000 } as const;
/** Classes a taught model may have: `MAX_CLASSES` of @platescale/trainer. */
export const MAX_CLASSES = 8;
/** Trees a taught forest may have: `MAX_TREES` of @platescale/trainer. */
export const MAX_TREES = 200;

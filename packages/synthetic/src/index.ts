export { SyntheticError } from './errors.js';
export { type BitDepth, type FieldOptions, type Pixels, type RenderedField, renderField } from './field.js';
export {
  DEFAULT_TREATMENTS,
  type DesignOptions,
  designPlate,
  type LogLogistic,
  logLogistic,
  NEGATIVE_CONTROL,
  type PlateDesign,
  POSITIVE_CONTROL,
  type TreatmentTruth,
  type WellDesign,
  type WellRole,
} from './layout.js';
export { type Harmonic, type Nucleus, placeNuclei } from './nuclei.js';
export {
  fieldCount,
  type GroundTruth,
  type GroundTruthField,
  imageFileName,
  maskFileName,
  type PlateOptions,
  plateMapOf,
  SYNTHETIC_CHANNELS,
  writePlate,
} from './plate.js';
export { createRandom, deriveSeed, type Random } from './random.js';
export { syntheticImageSummary } from './summary.js';
export { encodeLabels, encodeTiff, type TiffCompression } from './tiff.js';

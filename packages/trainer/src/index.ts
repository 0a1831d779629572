/**
 * @platescale/trainer — teach the base model: an ONNX filter bank (Gaussian, gradient magnitude, Hessian
 * eigenvalues at σ 0.7…10) plus a small classifier (an MLP, or a random forest) trained on sparsely labelled
 * pixels, exported as ONE self-contained ONNX model the segmenter runs unchanged; a versioned, content-hashed
 * model registry.
 */
export { type Samples, type Standardization, standardization } from './classifier/dataset.js';
export {
  DEFAULT_FOREST_OPTIONS,
  type DecisionTree,
  type Forest,
  type ForestOptions,
  MAX_TREE_DEPTH,
  MAX_TREES,
  predictForest,
  trainForest,
} from './classifier/forest.js';
export {
  CLASSIFIER_KINDS,
  type ClassifierHead,
  type ClassifierKind,
  type ClassifierOptions,
  type ClassifierRequest,
  classProbabilities,
} from './classifier/head.js';
export {
  DEFAULT_MLP_OPTIONS,
  type DenseLayer,
  type Mlp,
  type MlpOptions,
  predict,
  trainMlp,
} from './classifier/mlp.js';
export { decodeNetwork, encodeNetwork, type NetworkModel } from './cnn/export.js';
export {
  DEFAULT_FINE_TUNE,
  type FineTuneOptions,
  fineTunedLayers,
  fineTuneNetwork,
  type SparseImage,
} from './cnn/finetune.js';
export { forward, fromVariables, initialWeights, toVariables } from './cnn/forward.js';
export {
  type NetworkSpec,
  type NetworkWeights,
  networkLayers,
  networkOps,
  receptiveRadius,
  sizeMultiple,
} from './cnn/network.js';
export {
  CANONICAL_DIAMETER,
  loadTrainingImages,
  NUCLEI_NETWORK,
  NUCLEI_RECIPE,
  type NucleiRecipe,
  TRAINING_METADATA,
  trainNucleiModel,
} from './cnn/nuclei.js';
export { type PatchOptions, samplePatch, type TrainingImage } from './cnn/patches.js';
export { NUCLEI_CLASSES } from './cnn/targets.js';
export { type StrokedImage, teachNetwork } from './cnn/teach.js';
export { tensorflow } from './cnn/tf.js';
export { type NetworkTrainingOptions, trainNetwork } from './cnn/train.js';
export { inProcessCompute, previewFromFiles, trainFromFiles } from './compute/in-process.js';
export { computeWorkerUrl, createComputePool } from './compute/pool.js';
export type { PreviewRequest, TrainerCompute, TrainingFiles, TrainingOptions } from './compute/port.js';
export {
  type AnnotatedEntry,
  type AnnotatedImage,
  assignSplit,
  loadAnnotatedImage,
  medianDiameter,
  readAnnotatedSet,
  SIZE_GROUP_BOUNDS,
  SIZE_GROUPS,
  type SizeGroup,
  type Split,
  sizeGroup,
} from './datasets/annotated.js';
export { NotAnImageError, TrainerError, TrainingInputError } from './errors.js';
export {
  addFeatureBank,
  DEFAULT_SIGMAS,
  FEATURE_KINDS,
  type FeatureKind,
  featureNames,
  minimumImageSide,
} from './features/bank.js';
export { type BankSpec, featureBankModel, featuresAt, type Planes } from './features/extract.js';
export { NORMALIZATIONS, type Normalization } from './features/normalize.js';
export { type ImageFile, loadLabelledImage, loadLabels, loadPlanes } from './images.js';
export {
  encodePixelClassifier,
  FOREGROUND,
  type PixelClassifier,
  PROBABILITIES,
  TRAINER_METADATA,
} from './model/export.js';
export { type ClassProbabilities, classifyPixels, previewPng } from './predict.js';
export {
  createModelRegistry,
  type ModelRegistry,
  type ModelRow,
  modelObjectKey,
  type RegisterModel,
} from './registry.js';
export { createModelService, type ModelService, type TrainingSpec } from './service.js';
export { paintStrokes, type StrokeOptions } from './strokes.js';
export { type SyntheticFieldsOptions, type SyntheticTrainingField, syntheticFields } from './synthetic.js';
export {
  type LabelledImage,
  MAX_CLASSES,
  MAX_IMAGE_PIXELS,
  type TrainingResult,
  type TrainRequest,
  trainPixelClassifier,
} from './train.js';

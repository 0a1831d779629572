import { MAX_CLASSES, MAX_TREES } from '@platescale/trainer';
import Type from 'typebox';
import { StringMap, Timestamp } from '../../schemas/common.js';

const ObjectKey = Type.String({ minLength: 1, maxLength: 1024 });
const ChannelKeys = StringMap(ObjectKey, 'channel name → object key of that channel’s image');

export const ModelBody = Type.Object(
  {
    name: Type.String({
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
      description: 'Registry name; training the same name again makes its next version',
    }),
    classes: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 2,
      maxItems: MAX_CLASSES,
      description: 'Class names; label value k (1-based) in the label images is classes[k−1], 0 = unlabelled',
    }),
    channels: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: 8,
      description: 'Input channels in model order; a job feeds its segmentationChannel first',
    }),
    foreground: Type.Optional(
      Type.String({ description: 'The class the segmenter counts as objects; default classes[1]' }),
    ),
    objects: Type.Optional(
      Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: 'Object name in features (default Nuclei)' }),
    ),
    normalization: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('percentile')], {
        description:
          "Input scaling inside the model: 'none' (default; absolute brightness, as within one experiment) or 'percentile' (per image 1st–99.8th, for use across experiments and bit depths)",
      }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'Training seed (default 1)' })),
    classifier: Type.Optional(
      Type.Union([Type.Literal('mlp'), Type.Literal('forest')], {
        description:
          "Per-pixel classifier: 'mlp' (default; a small MLP as 1×1 convolutions) or 'forest' (a random forest as an ONNX-ML TreeEnsembleClassifier); docs/trainer.md has the measured trade-off",
      }),
    ),
    hidden: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 64, description: 'Hidden units of the MLP; 0 = logistic regression' }),
    ),
    trees: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_TREES,
        description: "Trees of the forest (classifier 'forest'; default 50)",
      }),
    ),
    images: Type.Array(Type.Object({ channels: ChannelKeys, labels: ObjectKey }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 50,
      description: 'Training images (object keys) with their sparse label images (same size, grey values 0..K)',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: 'nuclei-exp123',
        classes: ['background', 'nucleus'],
        channels: ['DNA'],
        images: [{ channels: { DNA: 'exp123/A01_s1_w1.tif' }, labels: 'labels/exp123/A01_s1.png' }],
      },
    ],
  },
);

const ClassAccuracy = Type.Object({ className: Type.String(), heldOutPixels: Type.Integer(), accuracy: Type.Number() });

export const Model = Type.Object({
  modelId: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  sha256: Type.String({ description: 'SHA-256 of the ONNX file' }),
  objectKey: Type.String({ description: 'Object key of the ONNX file (immutable); what a job runs' }),
  sizeBytes: Type.Integer(),
  classes: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  foregroundClass: Type.String(),
  architecture: Type.Object({
    classifier: Type.Union([Type.Literal('mlp'), Type.Literal('logistic'), Type.Literal('forest')]),
    hidden: Type.Integer({ description: 'Hidden units of the MLP; 0 for logistic regression and for a forest' }),
    trees: Type.Optional(Type.Integer({ description: 'Forest only: number of trees' })),
    maxDepth: Type.Optional(Type.Integer({ description: 'Forest only: depth bound of every tree' })),
    minLeaf: Type.Optional(Type.Integer({ description: 'Forest only: fewest training pixels per leaf' })),
    features: Type.Integer(),
    sigmas: Type.Array(Type.Number()),
    normalization: Type.Union([Type.Literal('none'), Type.Literal('percentile')]),
    seed: Type.Integer(),
  }),
  trainingImages: Type.Array(Type.String()),
  labelCounts: StringMap(Type.Integer(), 'class name → labelled pixels'),
  metrics: Type.Object({
    heldOutPixels: Type.Integer(),
    pixelAccuracy: Type.Number(),
    perClass: Type.Array(ClassAccuracy, { description: 'Pixel accuracy per class on held-out labelled pixels' }),
    trainSeconds: Type.Number(),
  }),
  createdAt: Timestamp,
  links: Type.Object({ self: Type.String(), preview: Type.String(), file: Type.String() }),
});

export const PreviewQuery = Type.Object({
  output: Type.Optional(
    Type.Union([Type.Literal('probability'), Type.Literal('mask')], {
      default: 'probability',
      description: "'probability': foreground probability × 255; 'mask': most probable class per pixel",
    }),
  ),
});

export const PreviewBody = Type.Object(
  { channels: ChannelKeys },
  { additionalProperties: false, description: 'Object keys of the image, one per model channel' },
);

export type ModelView = Type.Static<typeof Model>;

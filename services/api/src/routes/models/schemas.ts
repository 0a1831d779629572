import Type from 'typebox';
import { MAX_IMAGE_FILE_BYTES, StringMap, Timestamp } from '../../schemas/common.js';
import { MAX_CLASSES, MAX_TREES, OBJECT_DIAMETER_RANGE } from '../../schemas/limits.js';

const ObjectKey = Type.String({
  minLength: 1,
  maxLength: 1024,
  description: "An object of the tenant's folders (tenants/, uploads/, models/ or training/<tenant>/)",
});
const ChannelKeys = StringMap(ObjectKey, 'channel name → object key of that channel’s image');

/** A binary body (the serializer leaves Buffers alone; the schema only documents them). */
export const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** Training images one request may name or upload. */
export const MAX_TRAINING_IMAGES = 50;
/** Input channels of a model. */
export const MAX_CHANNELS = 8;
/** The channel of a form that names none. */
export const DEFAULT_CHANNEL = 'DNA';

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
      maxItems: MAX_CHANNELS,
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
    base: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('nuclei')], {
        description:
          "'none' (default): a filter bank and a classifier trained from scratch on the strokes; 'nuclei': the default nuclei network fine-tuned on them (one channel; classes: background first, the nuclei, and optionally 'boundary' strokes where touching nuclei meet) — a few strokes are enough, and jobs run it with the default model's scale and instance handling",
      }),
    ),
    objectDiameter: Type.Optional(
      Type.Number({
        minimum: OBJECT_DIAMETER_RANGE.min,
        maximum: OBJECT_DIAMETER_RANGE.max,
        description:
          "base 'nuclei': typical nucleus diameter (px) of the training images; estimated per image when absent",
      }),
    ),
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
      maxItems: MAX_TRAINING_IMAGES,
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
        images: [
          {
            channels: { DNA: 'tenants/lab-a/exp123/A01_s1_w1.tif' },
            labels: 'tenants/lab-a/labels/exp123/A01_s1.png',
          },
        ],
      },
    ],
  },
);

/** A file part as the document shows it; the route hands validation each one as its content digest. */
const FileParts = (description: string) =>
  Type.Array(Type.String({ format: 'binary' }), { minItems: 1, maxItems: MAX_TRAINING_IMAGES, description });

/** A text field carrying a JSON-body option as text, validated once converted. */
const OptionText = (field: string) =>
  Type.Optional(Type.String({ maxLength: 64, description: `As \`${field}\` of the JSON body` }));

/**
 * `POST /v1/models` as multipart/form-data: text fields, then files in image order. The route converts the text
 * fields and the stored files' keys into a ModelBody and validates that, so every rule of the JSON body holds here.
 */
export const TrainingForm = Type.Object(
  {
    name: Type.String({ description: 'Registry name (as in the JSON body)' }),
    classes: Type.String({ description: 'Class names, comma-separated: label value k is the k-th' }),
    channels: Type.Optional(
      Type.String({ default: DEFAULT_CHANNEL, description: 'Input channels in model order, comma-separated' }),
    ),
    foreground: OptionText('foreground'),
    objects: OptionText('objects'),
    normalization: OptionText('normalization'),
    seed: OptionText('seed'),
    base: OptionText('base'),
    objectDiameter: OptionText('objectDiameter'),
    classifier: OptionText('classifier'),
    hidden: OptionText('hidden'),
    trees: OptionText('trees'),
    image: Type.Optional(
      FileParts("One-channel models: the training images' files, in image order (the i-th part is image i)"),
    ),
    labels: FileParts("The label images' files, in image order: the i-th is the i-th image's label image"),
  },
  {
    additionalProperties: false,
    patternProperties: {
      '^image\\.': FileParts(
        "`image.<channel>`: that channel's files, in image order (the i-th `image.DNA` part belongs to image i)",
      ),
    },
    description: `Up to ${MAX_TRAINING_IMAGES} images; each file a PNG or TIFF of at most ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB`,
  },
);

const ClassAccuracy = Type.Object({ className: Type.String(), heldOutPixels: Type.Integer(), accuracy: Type.Number() });

export const Model = Type.Object(
  {
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
      classifier: Type.Union(
        [Type.Literal('mlp'), Type.Literal('logistic'), Type.Literal('forest'), Type.Literal('network')],
        { description: "'network': the nuclei network fine-tuned on the strokes (base 'nuclei')" },
      ),
      hidden: Type.Integer({ description: 'Hidden units of the MLP; 0 for logistic regression and for a forest' }),
      trees: Type.Optional(Type.Integer({ description: 'Forest only: number of trees' })),
      maxDepth: Type.Optional(Type.Integer({ description: 'Forest only: depth bound of every tree' })),
      minLeaf: Type.Optional(Type.Integer({ description: 'Forest only: fewest training pixels per leaf' })),
      features: Type.Integer(),
      sigmas: Type.Array(Type.Number()),
      normalization: Type.Union([Type.Literal('none'), Type.Literal('percentile')]),
      seed: Type.Integer(),
      base: Type.Optional(
        Type.String({
          description: "'network': first 16 hex digits of the SHA-256 of the model it was fine-tuned from",
        }),
      ),
      objectDiameter: Type.Optional(
        Type.Number({ description: "'network': the nucleus diameter (px) the strokes were taught at, when given" }),
      ),
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
  },
  { $id: 'Model' },
);

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
export type ModelSpec = Type.Static<typeof ModelBody>;
export type TrainingFormView = Type.Static<typeof TrainingForm>;

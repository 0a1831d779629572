import Type from 'typebox';
import { Nullable, ObjectDiameter, StringMap, Timestamp } from './common.js';

export const ImageSet = Type.Object(
  {
    plate: Type.String({ minLength: 1, maxLength: 256 }),
    well: Type.String({ pattern: '^[A-Za-z]{1,2}0*\\d{1,2}$', examples: ['D03'] }),
    field: Type.Integer({ minimum: 0 }),
    images: StringMap(Type.String({ minLength: 1, maxLength: 1024 }), 'channel name → object key (under imagePrefix)'),
  },
  { additionalProperties: false },
);

const ExperimentFields = {
  plateFormat: Type.Union([Type.Literal(96), Type.Literal(384), Type.Literal(1536)], {
    description: 'Wells per plate',
  }),
  imagePrefix: Type.String({
    minLength: 1,
    maxLength: 1024,
    description:
      "Object-key prefix holding every image of the experiment (a trailing '/' is added if missing); it must lie in the tenant's folders, e.g. tenants/<tenant>/ where its lab systems write",
    examples: ['tenants/lab-a/experiments/AS_09125/'],
  }),
  naming: Type.Enum(['auto', 'cellomics', 'imagexpress', 'opera', 'manifest'], {
    description: 'How file names map to plate/well/field/channel; `manifest` = the explicit `manifest` below',
  }),
  channels: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    minItems: 1,
    maxItems: 32,
    description: 'Channel names by 0-based channel index of the file names (d0/w1/ch1 → index 0)',
  }),
};

export const ExperimentBody = Type.Object(
  {
    experimentId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }),
    ...ExperimentFields,
    manifest: Type.Optional(Type.Array(ImageSet, { maxItems: 100000, description: 'Explicit image sets' })),
    objectDiameter: Type.Optional(
      ObjectDiameter(
        "Typical nucleus diameter (px) of the experiment's images; jobs segment at it instead of estimating it per image (a job's own objectDiameter wins)",
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        experimentId: 'AS_09125',
        plateFormat: 96,
        imagePrefix: 'tenants/lab-a/experiments/AS_09125/',
        naming: 'cellomics',
        channels: ['DNA', 'PH3', 'Cells'],
      },
    ],
  },
);

export const Experiment = Type.Object(
  {
    experimentId: Type.String(),
    ...ExperimentFields,
    manifest: Nullable(Type.Array(ImageSet)),
    objectDiameter: Nullable(Type.Number({ description: 'Typical nucleus diameter (px); null: estimated per image' })),
    version: Type.Integer({ description: 'Incremented by every update' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Experiment' },
);

export type ExperimentView = Type.Static<typeof Experiment>;
export type ExperimentInput = Type.Static<typeof ExperimentBody>;

import Type, { type Static, type TSchema } from 'typebox';
import { Nullable, StringMap } from './common.js';

const Measures = {
  meanArea: Nullable(Type.Number({ description: 'Mean object area, px²' })),
  medianArea: Nullable(Type.Number()),
  meanIntensity: Nullable(StringMap(Type.Number(), 'channel → mean per-object intensity')),
  features: Nullable(StringMap(Type.Number(), 'further feature means (CellProfiler names)')),
};

export const WellResult = Type.Object(
  {
    plate: Type.String(),
    well: Type.String(),
    fields: Type.Integer(),
    fieldsFailed: Type.Integer(),
    cellCount: Type.Integer(),
    meanCellCount: Nullable(Type.Number()),
    ...Measures,
    featureMedians: Nullable(StringMap(Type.Number(), 'feature → median over the successful fields')),
    treatment: Nullable(Type.String({ description: 'Plate-map annotation; null when the plate map omits the well' })),
    dose: Nullable(Type.Number()),
    unit: Nullable(Type.String()),
    role: Nullable(Type.Enum(['negative_control', 'positive_control', 'sample'])),
    robustZ: Nullable(
      StringMap(Type.Number(), "feature → (x − median) / (1.4826 · MAD) of the plate's negative controls"),
    ),
  },
  {
    examples: [
      {
        plate: 'AS_09125_050116030001',
        well: 'D03',
        fields: 1,
        fieldsFailed: 0,
        cellCount: 303,
        meanCellCount: 303,
        meanArea: 103.8,
        medianArea: 89,
        meanIntensity: { DNA: 0.246, PH3: 0.052, Cells: 0.174 },
        features: { Count_Nuclei: 303, AreaShape_Area: 103.8 },
        featureMedians: { Count_Nuclei: 303, AreaShape_Area: 89 },
        treatment: 'DMSO',
        dose: 0,
        unit: 'uM',
        role: 'negative_control',
        robustZ: { Count_Nuclei: 0.42, AreaShape_Area: -0.1 },
      },
    ],
  },
);

/** One row of GET /v1/jobs/{id}/results?level=well, as clients receive it. */
export type WellResultView = Static<typeof WellResult>;

export const ImageResult = Type.Object({
  plate: Type.String(),
  well: Type.String(),
  field: Type.Integer(),
  ok: Type.Boolean(),
  cellCount: Nullable(Type.Integer()),
  ...Measures,
  objectDiameter: Nullable(Type.Number({ description: 'Typical nucleus diameter (px) the image was segmented at' })),
  diameterSource: Nullable(
    Type.Enum(['given', 'estimated', 'default'], {
      description: "'given' (job or experiment objectDiameter), 'estimated' from the image, or the model's 'default'",
    }),
  ),
  objectsKey: Nullable(Type.String()),
  maskKey: Nullable(Type.String()),
  seconds: Nullable(Type.Number()),
  error: Nullable(Type.String()),
});

/** Per condition (treatment × dose × unit, pooled over the job's plates) and feature, over its wells. */
export const ConditionResult = Type.Object(
  {
    treatment: Type.String(),
    dose: Type.Number({ description: '0 when the plate map gives none' }),
    unit: Type.String(),
    role: Type.Enum(['negative_control', 'positive_control', 'sample']),
    feature: Type.String(),
    n: Type.Integer({ description: 'Wells with a value for the feature' }),
    mean: Type.Number(),
    sd: Nullable(Type.Number({ description: 'Sample SD (n − 1); null when n < 2' })),
    median: Type.Number(),
  },
  {
    examples: [
      {
        treatment: 'compoundA',
        dose: 0.1,
        unit: 'uM',
        role: 'sample',
        feature: 'Count_Nuclei',
        n: 4,
        mean: 61.3,
        sd: 4.2,
        median: 60.5,
      },
    ],
  },
);

/** Plate QC per plate and feature: control statistics and Z′. */
export const PlateQcResult = Type.Object(
  {
    plate: Type.String(),
    feature: Type.String(),
    nNegative: Type.Integer(),
    meanNegative: Nullable(Type.Number()),
    sdNegative: Nullable(Type.Number()),
    nPositive: Type.Integer(),
    meanPositive: Nullable(Type.Number()),
    sdPositive: Nullable(Type.Number()),
    zPrime: Nullable(
      Type.Number({
        description: '1 − 3(σp + σn) / |μp − μn|; null without ≥ 2 wells of each control or when μp = μn',
      }),
    ),
  },
  {
    examples: [
      {
        plate: 'SYNTH01',
        feature: 'Count_Nuclei',
        nNegative: 8,
        meanNegative: 100.4,
        sdNegative: 5.1,
        nPositive: 8,
        meanPositive: 20.2,
        sdPositive: 2.3,
        zPrime: 0.72,
      },
    ],
  },
);

export const ResultsQuery = Type.Object({
  level: Type.Optional(
    Type.Enum(['well', 'image', 'condition', 'plate'], {
      default: 'well',
      description: '`limit`/`cursor` page the image and well levels; condition and plate come whole',
    }),
  ),
  plate: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: 'Image and well levels: only this plate' }),
  ),
  well: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]{1,2}0*\\d{1,2}$',
      description: 'Image and well levels, with `plate`: only this well (a well page reads its fields)',
      examples: ['D03'],
    }),
  ),
  failed: Type.Optional(
    Type.Boolean({
      description: 'Image and well levels: only failed fields, or only wells with a failed field (`fieldsFailed` > 0)',
    }),
  ),
});

/** One plate of a job's results: how many wells and fields, and how many of them failed. */
export const PlateSummary = Type.Object(
  {
    plate: Type.String(),
    wells: Type.Integer(),
    fields: Type.Integer(),
    fieldsFailed: Type.Integer(),
    wellsWithFailedFields: Type.Integer(),
  },
  { examples: [{ plate: 'SYNTH01', wells: 96, fields: 384, fieldsFailed: 2, wellsWithFailedFields: 1 }] },
);

/** GET /v1/jobs/{id}/plates: what a results page lists before it loads one plate's wells. */
export const Plates = Type.Object({ jobId: Type.String(), items: Type.Array(PlateSummary) });

const LevelResults = <L extends string, T extends TSchema>(level: L, item: T) =>
  Type.Object({
    jobId: Type.String(),
    level: Type.Literal(level),
    items: Type.Array(item),
    nextCursor: Nullable(Type.String()),
  });

/** One shape per level, told apart by `level`. */
export const Results = Type.Union([
  LevelResults('well', WellResult),
  LevelResults('image', ImageResult),
  LevelResults('condition', ConditionResult),
  LevelResults('plate', PlateQcResult),
]);

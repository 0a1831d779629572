import Type from 'typebox';
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
        features: null,
      },
    ],
  },
);

export const ImageResult = Type.Object({
  plate: Type.String(),
  well: Type.String(),
  field: Type.Integer(),
  ok: Type.Boolean(),
  cellCount: Nullable(Type.Integer()),
  ...Measures,
  objectsKey: Nullable(Type.String()),
  maskKey: Nullable(Type.String()),
  seconds: Nullable(Type.Number()),
  error: Nullable(Type.String()),
});

export const ResultsQuery = Type.Object({
  level: Type.Optional(Type.Enum(['well', 'image'], { default: 'well' })),
});

export const Results = Type.Object({
  jobId: Type.String(),
  level: Type.Enum(['well', 'image']),
  items: Type.Array(Type.Union([WellResult, ImageResult])),
  nextCursor: Nullable(Type.String()),
});

import Type from 'typebox';
import { Nullable, StringMap } from './common.js';

const Role = Type.Enum(['negative_control', 'positive_control', 'sample'], {
  description: 'What the well is for: Z′ uses the controls, robust z the negative controls, fits the samples',
});

const Metadata = StringMap(
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
  'every further column of the upload (cell line, replicate, …)',
);

/**
 * One uploaded row. Deliberately loose beyond the types: the plate-map parser checks the rows together and names
 * every unknown, duplicate and out-of-format well in one 400. Further properties are kept as metadata.
 */
export const PlateMapRow = Type.Object(
  {
    plate: Type.Optional(Type.String({ maxLength: 256, description: "Plate id; absent or '' = every plate" })),
    well: Type.String({ maxLength: 16, examples: ['B02'] }),
    treatment: Type.String({ maxLength: 256, description: 'Compound, siRNA, vehicle… (required)' }),
    dose: Type.Optional(Nullable(Type.Number({ minimum: 0, description: 'Concentration in `unit`' }))),
    unit: Type.Optional(Nullable(Type.String({ maxLength: 32, examples: ['uM'] }))),
    role: Type.Optional(Role),
  },
  { additionalProperties: true },
);

const EXAMPLE_ROWS = [
  { well: 'A01', treatment: 'DMSO', dose: 0, unit: 'uM', role: 'negative_control' },
  { well: 'A12', treatment: 'staurosporine', dose: 10, unit: 'uM', role: 'positive_control' },
  { well: 'B02', treatment: 'cmpd-1', dose: 0.0015, unit: 'uM', role: 'sample', replicate: 1 },
];

export const PlateMapBody = {
  description:
    'The whole plate map (it replaces the previous one): JSON rows, or CSV with a header row well,treatment,dose,unit,role[,plate][,…]; further columns are kept as metadata',
  content: {
    'application/json': {
      schema: Type.Array(PlateMapRow, { minItems: 1, maxItems: 100000, examples: [EXAMPLE_ROWS] }),
    },
    'text/csv': {
      schema: Type.String({
        examples: [
          'well,treatment,dose,unit,role,replicate\nA01,DMSO,0,uM,negative_control,1\nB02,cmpd-1,0.0015,uM,sample,1\n',
        ],
      }),
    },
  },
};

export const PlateMapEntry = Type.Object({
  plate: Type.String({ description: "'' = every plate of the experiment" }),
  well: Type.String({ description: 'Canonical well id' }),
  treatment: Type.String(),
  dose: Nullable(Type.Number()),
  unit: Nullable(Type.String()),
  role: Role,
  metadata: Metadata,
});

export const PlateMapSaved = Type.Object(
  { experimentId: Type.String(), count: Type.Integer({ description: 'Rows saved' }) },
  { examples: [{ experimentId: 'AS_09125', count: 96 }] },
);

export const PlateMap = Type.Object(
  {
    experimentId: Type.String(),
    count: Type.Integer(),
    wells: Type.Array(PlateMapEntry, { description: 'Plate, then well order' }),
  },
  { $id: 'PlateMap' },
);

export type PlateMapView = Type.Static<typeof PlateMap>;

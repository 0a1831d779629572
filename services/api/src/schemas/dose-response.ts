import Type from 'typebox';
import { Nullable } from './common.js';

export const DoseResponseQuery = Type.Object({
  feature: Type.Optional(
    Type.String({ minLength: 1, maxLength: 256, description: 'Only this feature', examples: ['Count_Nuclei'] }),
  ),
});

export const DoseResponseFit = Type.Object(
  {
    treatment: Type.String(),
    feature: Type.String({ description: 'CellProfiler feature name, as in well results `features`' }),
    unit: Type.String({ description: "Dose unit ('' when the plate map gives none)" }),
    n: Type.Integer({ description: 'Wells (points) fitted' }),
    doses: Type.Integer({ description: 'Distinct doses fitted' }),
    ec50: Nullable(Type.Number({ description: 'Dose of the half-maximal response, in `unit`' })),
    ec50CiLow: Nullable(Type.Number({ description: '95% confidence interval of EC50, low end' })),
    ec50CiHigh: Nullable(Type.Number()),
    logEc50: Nullable(Type.Number({ description: 'log10 EC50' })),
    logEc50Se: Nullable(Type.Number({ description: 'Standard error of log10 EC50' })),
    hill: Nullable(Type.Number({ description: 'Hill slope (> 0)' })),
    top: Nullable(Type.Number({ description: 'Response at low dose' })),
    bottom: Nullable(Type.Number({ description: 'Response at high dose' })),
    r2: Nullable(Type.Number()),
    direction: Nullable(
      Type.Enum(['increasing', 'decreasing'], {
        description: 'The response falls with dose when decreasing: EC50 is then an IC50',
      }),
    ),
    converged: Type.Boolean(),
    error: Nullable(Type.String({ description: 'Why there is no fit (too few doses or wells); null when fitted' })),
  },
  {
    examples: [
      {
        treatment: 'cmpd-1',
        feature: 'Count_Nuclei',
        unit: 'uM',
        n: 30,
        doses: 10,
        ec50: 0.31,
        ec50CiLow: 0.27,
        ec50CiHigh: 0.36,
        logEc50: -0.509,
        logEc50Se: 0.032,
        hill: 1.2,
        top: 99.1,
        bottom: 20.6,
        r2: 0.97,
        direction: 'decreasing',
        converged: true,
        error: null,
      },
    ],
  },
);

export const DoseResponse = Type.Object({
  jobId: Type.String(),
  feature: Nullable(Type.String({ description: 'The `feature` filter, if any' })),
  items: Type.Array(DoseResponseFit, { description: 'Treatment, then feature order' }),
});

export type DoseResponseFitView = Type.Static<typeof DoseResponseFit>;

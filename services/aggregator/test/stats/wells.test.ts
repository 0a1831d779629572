import type { ImageResult } from '@platescale/shared';
import t from 'tap';
import { aggregateWells } from '../../src/stats/wells.js';

const image = (well: string, field: number, count: number, meanArea: number, dna: number): ImageResult => ({
  plate: 'P',
  well,
  field,
  ok: true,
  count,
  meanArea,
  medianArea: meanArea - 1,
  meanIntensity: { DNA: dna },
  features: { Texture: field },
  seconds: 0.1,
});

t.test(
  'fields combine into a well: sums, per-field means, cell-weighted area and intensity, failures counted',
  async (t) => {
    const [a, b] = aggregateWells(
      [
        image('A01', 0, 10, 100, 50),
        image('A01', 1, 30, 200, 70),
        { plate: 'P', well: 'A01', field: 2, ok: false, error: { type: 'DecodeError', message: 'corrupt' } },
        image('B01', 0, 0, 0, 0),
      ],
      (_plate, well) =>
        well === 'A01'
          ? { plate: '', well, treatment: 'x', dose: 2, unit: 'uM', role: 'sample', metadata: {} }
          : undefined,
    );
    t.match(a, {
      well: 'A01',
      fields: 3,
      fieldsFailed: 1,
      cellCount: 40,
      meanCellCount: 20,
      meanArea: 175,
      medianArea: 149,
      meanIntensity: { DNA: 65 },
      treatment: 'x',
      dose: 2,
      role: 'sample',
    });
    t.same(a!.features, { AreaShape_Area: 175, Count_Nuclei: 20, Intensity_MeanIntensity_DNA: 65, Texture: 0.5 });
    t.same(a!.featureMedians, { AreaShape_Area: 150, Count_Nuclei: 20, Intensity_MeanIntensity_DNA: 60, Texture: 0.5 });
    t.match(b, { well: 'B01', cellCount: 0, meanArea: null, treatment: null, role: null });
    t.same(b!.features, { Count_Nuclei: 0, Texture: 0 }, 'no nuclei → no area or intensity');
  },
);

import t from 'tap';
import { featureCatalogue } from '../../../app/lib/features.js';

t.test('count and area first, then intensities, robust z and extra features seen in any row', async (t) => {
  const rows = [
    { cellCount: 10, meanArea: 50, meanIntensity: { DNA: 0.2 }, features: null, robustZ: { Count_Nuclei: -1.5 } },
    { cellCount: 0, meanArea: null, meanIntensity: null, features: { AreaShape_Eccentricity: 0.4 } },
  ];
  const features = featureCatalogue(rows);
  t.same(
    features.map((f) => [f.id, f.kind]),
    [
      ['cellCount', 'sequential'],
      ['meanArea', 'sequential'],
      ['intensity:DNA', 'sequential'],
      ['robustZ:Count_Nuclei', 'diverging'],
      ['feature:AreaShape_Eccentricity', 'sequential'],
    ],
  );
  const [count, area, dna, z, ecc] = features;
  t.same(
    rows.map((r) => count!.value(r)),
    [10, 0],
  );
  t.same(
    rows.map((r) => area!.value(r)),
    [50, undefined],
    'a well without nuclei has no area',
  );
  t.equal(dna!.value(rows[0]!), 0.2);
  t.equal(z!.value(rows[0]!), -1.5);
  t.equal(ecc!.value(rows[1]!), 0.4);
});

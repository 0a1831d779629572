import t from 'tap';
import { assessZPrime, rankByZPrime } from '../../../app/lib/qc.js';

t.test('features that separate the controls come first, best first; the rest after', async (t) => {
  const { separating, others } = rankByZPrime([
    { feature: 'AreaShape_Solidity', zPrime: -3.2 },
    { feature: 'Count_Nuclei', zPrime: 0.7 },
    { feature: 'AreaShape_Extent', zPrime: null },
    { feature: 'Intensity_MeanIntensity_DNA', zPrime: 0.2 },
    { feature: 'AreaShape_Area', zPrime: 0 },
  ]);
  t.same(
    separating.map((r) => r.feature),
    ['Count_Nuclei', 'Intensity_MeanIntensity_DNA'],
  );
  t.same(
    others.map((r) => r.feature),
    ['AreaShape_Area', 'AreaShape_Solidity', 'AreaShape_Extent'],
  );
});

t.test('Z′ bands', async (t) => {
  t.equal(assessZPrime(0.5), 'excellent');
  t.equal(assessZPrime(0.3), 'marginal');
  t.equal(assessZPrime(0), 'unusable');
  t.equal(assessZPrime(null), '–');
});

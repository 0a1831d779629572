import t from 'tap';
import { mad, median, sampleSd } from '../../src/stats/descriptive.js';
import { addRobustZ, conditionStats, plateQc, zPrime } from '../../src/stats/plate-stats.js';
import type { WellSummary } from '../../src/stats/wells.js';

function well(
  plate: string,
  name: string,
  role: WellSummary['role'],
  count: number,
  extra: Partial<WellSummary> = {},
): WellSummary {
  return {
    plate,
    well: name,
    fields: 1,
    fieldsFailed: 0,
    cellCount: count,
    meanCellCount: count,
    meanArea: 10,
    medianArea: 10,
    meanIntensity: {},
    features: { Count_Nuclei: count, AreaShape_Area: 10 },
    featureMedians: {},
    treatment: role === 'negative_control' ? 'DMSO' : role === 'positive_control' ? 'staurosporine' : 'cmpd',
    dose: role === 'sample' ? 1 : 0,
    unit: 'uM',
    role,
    robustZ: {},
    ...extra,
  };
}

t.test('descriptive statistics', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 2, 3]), 2.5);
  t.equal(mad([1, 2, 3, 4, 100]), 1);
  t.equal(sampleSd([2, 4, 4, 4, 5, 5, 7, 9]), Math.sqrt(32 / 7));
  t.equal(sampleSd([1]), null);
});

t.test('Z′ = 1 − 3(σp + σn)/|μp − μn| with sample SDs, per plate and feature', async (t) => {
  const negative = [100, 104, 96, 100];
  const positive = [20, 22, 18, 20];
  const expected = 1 - (3 * (sampleSd(positive)! + sampleSd(negative)!)) / 80;
  t.equal(zPrime(positive, negative), expected);
  const wells = [
    ...negative.map((c, i) => well('P1', `A0${i + 1}`, 'negative_control', c)),
    ...positive.map((c, i) => well('P1', `B0${i + 1}`, 'positive_control', c)),
    well('P1', 'C01', 'sample', 60),
    well('P2', 'A01', 'negative_control', 100),
  ];
  const qc = plateQc(wells);
  const count = qc.find((r) => r.plate === 'P1' && r.feature === 'Count_Nuclei')!;
  t.match(count, { nNegative: 4, nPositive: 4, meanNegative: 100, meanPositive: 20 });
  t.ok(Math.abs(count.zPrime! - expected) < 1e-12);
  t.equal(qc.find((r) => r.plate === 'P1' && r.feature === 'AreaShape_Area')!.zPrime, null, 'μp = μn → no Z′');
  t.equal(qc.find((r) => r.plate === 'P2')!.zPrime, null, 'no positive controls → no Z′');
});

t.test('robust z against the negative controls of the same plate', async (t) => {
  const wells = [
    well('P1', 'A01', 'negative_control', 100),
    well('P1', 'A02', 'negative_control', 102),
    well('P1', 'A03', 'negative_control', 98),
    well('P1', 'C01', 'sample', 70),
    well('P2', 'C01', 'sample', 70),
  ];
  addRobustZ(wells);
  // median 100, MAD 2 → z = (70 − 100) / (1.4826 · 2)
  t.equal(wells[3]!.robustZ.Count_Nuclei, -30 / (1.4826 * 2));
  t.equal(wells[0]!.robustZ.Count_Nuclei, 0);
  t.same(wells[4]!.robustZ, {}, 'a plate without negative controls gets no z');
  t.notOk('AreaShape_Area' in wells[3]!.robustZ, 'MAD 0 → no z');
});

t.test('conditions: treatment × dose over wells, mean/SD/n', async (t) => {
  const rows = conditionStats([
    well('P1', 'C01', 'sample', 60),
    well('P2', 'C01', 'sample', 64),
    well('P1', 'A01', 'negative_control', 100),
    well('P1', 'H01', null, 5, { treatment: null }),
  ]);
  const cmpd = rows.find((r) => r.treatment === 'cmpd' && r.feature === 'Count_Nuclei')!;
  t.match(cmpd, { dose: 1, unit: 'uM', role: 'sample', n: 2, mean: 62, median: 62 });
  t.equal(cmpd.sd, Math.sqrt(8));
  t.equal(rows.find((r) => r.treatment === 'DMSO' && r.feature === 'Count_Nuclei')!.sd, null);
  t.notOk(
    rows.some((r) => r.mean === 5),
    'wells outside the plate map are in no condition',
  );
});

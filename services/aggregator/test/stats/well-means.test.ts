import t from 'tap';
import { WellMeansTable } from '../../src/stats/well-means.js';
import type { WellMeans } from '../../src/stats/wells.js';

const sample = (features: Record<string, number>, dose: number | null = 1): WellMeans => ({
  features,
  treatment: 'cmpd',
  dose,
  unit: 'uM',
  role: 'sample',
});

t.test('each well reads back exactly its record: names in order, values, absent features', async (t) => {
  const wells = [
    sample({ b: 1.1, a: -2 }),
    sample({ a: Number.NaN }),
    sample({ b: 3, a: Number.POSITIVE_INFINITY, c: 5e-300 }),
  ];
  const table = WellMeansTable.of(wells);
  t.equal(table.size, 3);
  wells.forEach((w, i) => {
    t.same(table.names(i), Object.keys(w.features));
    for (const name of ['a', 'b', 'c']) t.same(table.value(i, name), w.features[name], `well ${i} ${name}`);
  });
  t.ok(Number.isNaN(table.value(1, 'a')), 'a NaN mean stays a present NaN');
  t.same(table.featureNames([0, 1]), ['a', 'b']);
  t.same(table.featureNames([0, 1, 2]), ['a', 'b', 'c']);
  t.equal(WellMeansTable.of(table), table, 'a table is used as it is');
});

t.test('wells annotated alike share one annotation; null, 0, −0 and NaN doses stay apart', async (t) => {
  const doses = [1, 1, null, 0, -0, Number.NaN];
  const table = WellMeansTable.of(doses.map((dose) => sample({ a: 1 }, dose)));
  t.equal(table.condition(0), table.condition(1));
  t.same(
    doses.map((_, i) => table.condition(i).dose),
    doses,
  );
  t.ok(Object.is(table.condition(4).dose, -0));
});

t.test('many wells span several chunks without losing a value', async (t) => {
  const table = new WellMeansTable();
  const n = 20_000;
  for (let i = 0; i < n; i++) table.push(sample({ x: i, y: i / 3, z: -i }));
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    if (table.value(i, 'x') !== i || table.value(i, 'y') !== i / 3 || table.value(i, 'z') !== -i) wrong += 1;
  }
  t.equal(wrong, 0);
});

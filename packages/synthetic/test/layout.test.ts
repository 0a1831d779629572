import t from 'tap';
import { designPlate, logLogistic } from '../src/layout.js';

t.test('96 wells: controls in columns 1 and 12, a 10-point ascending series between', async (t) => {
  const design = designPlate();
  t.equal(design.wells.length, 96);
  const byWell = new Map(design.wells.map((w) => [w.well, w]));
  t.match(byWell.get('A01'), { role: 'negative_control', dose: 0, expectedCount: 100 });
  t.match(byWell.get('H12'), { role: 'positive_control', expectedCount: 20 });
  t.match(byWell.get('B05'), { role: 'sample', treatment: 'compoundA' });
  t.match(byWell.get('E05'), { role: 'sample', treatment: 'compoundB' });
  t.equal(design.doses.length, 10);
  t.equal(design.doses[9], 30);
  t.ok(design.doses.every((d, i) => i === 0 || d > design.doses[i - 1]!));
  const a = design.wells.filter((w) => w.treatment === 'compoundA').map((w) => w.expectedCount);
  t.ok(Math.max(...a) < 100 && Math.min(...a) > 20, 'sample wells lie between the controls');
});

t.test('the curve is the 4-parameter log-logistic', async (t) => {
  const curve = { top: 100, bottom: 20, ec50: 2, hill: 1.5 };
  t.equal(logLogistic(2, curve), 60, 'half way at EC50');
  t.equal(logLogistic(0, curve), 100);
  t.ok(Math.abs(logLogistic(2000, curve) - 20) < 0.1);
});

t.test('treatments must cover every row', async (t) => {
  t.throws(() => designPlate({ treatments: [{ treatment: 'x', ec50: 1, hill: 1, rows: ['A'] }] }), {
    code: 'synthetic_invalid_options',
  });
});

import { createRandom, logLogistic } from '@platescale/synthetic';
import t from 'tap';
import { fitLogLogistic } from '../../src/stats/dose-response.js';

const doses = Array.from({ length: 10 }, (_, i) => 30 / 3 ** (9 - i));

t.test('recovers an exact 4PL curve (decreasing and increasing)', async (t) => {
  for (const curve of [
    { top: 100, bottom: 20, ec50: 0.1, hill: 1.2 },
    { top: 5, bottom: 50, ec50: 2, hill: 0.8 },
  ]) {
    const fit = fitLogLogistic(
      doses.flatMap((dose) => [0, 1].map(() => ({ dose, response: logLogistic(dose, curve) }))),
    );
    t.ok(fit.converged, 'converged');
    t.ok(Math.abs(Math.log10(fit.ec50!) - Math.log10(curve.ec50)) < 1e-3, `ec50 ${fit.ec50} ≈ ${curve.ec50}`);
    t.ok(Math.abs(fit.hill! - curve.hill) < 1e-2, `hill ${fit.hill}`);
    t.ok(Math.abs(fit.top! - curve.top) < 0.1 && Math.abs(fit.bottom! - curve.bottom) < 0.1);
    t.ok(fit.r2! > 0.9999);
  }
});

t.test('with noise, the 95% CI of EC50 brackets the truth and R² reflects the scatter', async (t) => {
  const random = createRandom(42);
  const curve = { top: 100, bottom: 20, ec50: 1.5, hill: 1.5 };
  const points = doses.flatMap((dose) =>
    [0, 1, 2, 3].map(() => ({ dose, response: logLogistic(dose, curve) * (1 + 0.08 * random.normal()) })),
  );
  const fit = fitLogLogistic(points);
  t.equal(fit.n, 40);
  t.equal(fit.doses, 10);
  t.ok(Math.abs(Math.log10(fit.ec50!) - Math.log10(curve.ec50)) < 0.1, `ec50 ${fit.ec50}`);
  t.ok(fit.ec50CiLow! < curve.ec50 && curve.ec50 < fit.ec50CiHigh!, `CI ${fit.ec50CiLow}–${fit.ec50CiHigh}`);
  t.ok(fit.r2! > 0.9 && fit.r2! < 1);
  t.ok(fit.logEc50Se! > 0);
});

t.test('too few doses is reported, not fitted', async (t) => {
  const fit = fitLogLogistic(
    [1, 2, 3].flatMap((dose) => [
      { dose, response: dose },
      { dose, response: dose + 1 },
    ]),
  );
  t.equal(fit.converged, false);
  t.equal(fit.ec50, null);
  t.match(fit.error, /distinct positive doses/);
});

import t from 'tap';
import { logLogistic, logSpace } from '../../../app/lib/dose-response.js';

t.test('the 4PL is halfway at EC50 and tends to top and bottom', async (t) => {
  const fit = { ec50: 2, hill: 1.5, top: 100, bottom: 10 };
  t.equal(logLogistic(2, fit), 55);
  t.ok(Math.abs(logLogistic(1e-6, fit) - 100) < 1e-3);
  t.ok(Math.abs(logLogistic(1e6, fit) - 10) < 1e-3);
});

t.test('log-spaced doses', async (t) => {
  const d = logSpace(0.01, 100, 5);
  t.same(
    d.map((x) => Number(x.toPrecision(6))),
    [0.01, 0.1, 1, 10, 100],
  );
});

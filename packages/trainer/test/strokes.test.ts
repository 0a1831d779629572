import t from 'tap';
import { paintStrokes } from '../src/strokes.js';
import { syntheticField } from './fixtures/fields.js';

t.test('strokes stay within the budget, inside objects (2) or ≥ 2 px away from them (1)', async (t) => {
  const { field } = syntheticField(5, 256);
  const size = 256;
  const labels = paintStrokes(field.labels, { width: size, height: size, seed: 3, fraction: 0.01 });
  const painted = labels.filter((v) => v > 0).length;
  t.ok(painted <= 0.01 * size * size && painted > 0.005 * size * size, `${painted} labelled pixels`);
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 2 && field.labels[i] === 0) wrong++;
    if (labels[i] === 1 && field.labels[i] !== 0) wrong++;
  }
  t.equal(wrong, 0);
  t.ok(labels.includes(2) && labels.includes(1));
  t.same(paintStrokes(field.labels, { width: size, height: size, seed: 3, fraction: 0.01 }), labels, 'deterministic');
});

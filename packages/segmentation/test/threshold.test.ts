import t from 'tap';
import { boundedCut, thresholdLi, thresholdOtsu } from '../src/threshold.js';

/** Background 0.015 with Gaussian-ish noise (sum of 4 uniforms, SD ≈ `sd`), seeded. */
function noise(n: number, sd: number, seed = 1): Float32Array {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  };
  return Float32Array.from(
    { length: n },
    () => 0.015 + sd * Math.sqrt(3) * (uniform() + uniform() + uniform() + uniform()),
  );
}

t.test('a cut through pure noise is refused: nothing lies above the bounded cut', async (t) => {
  const field = noise(256 * 256, 0.0005);
  const max = field.reduce((a, b) => Math.max(a, b), 0);
  for (const cut of [thresholdOtsu(field), thresholdLi(field)]) t.equal(boundedCut(field, cut), max);
  // An illumination ramp with no object is no better: its halves are a few SDs apart, not real populations.
  const ramp = Float32Array.from(field, (v, i) => v + 0.01 * ((i % 256) / 256));
  const rampMax = ramp.reduce((a, b) => Math.max(a, b), 0);
  t.equal(boundedCut(ramp, thresholdOtsu(ramp)), rampMax);
});

t.test('objects well above the noise keep their cut', async (t) => {
  const field = noise(256 * 256, 0.0005);
  // 20 nucleus-sized squares: 3 % of the field.
  for (let k = 0; k < 20; k++) {
    const x0 = 10 + (k % 5) * 48;
    const y0 = 10 + Math.floor(k / 5) * 60;
    for (let y = y0; y < y0 + 10; y++) for (let x = x0; x < x0 + 10; x++) field[y * 256 + x] = 0.2;
  }
  const cut = thresholdOtsu(field);
  t.equal(boundedCut(field, cut), cut);
  t.ok(cut < 0.2, `cut ${cut}`);
});

import t from 'tap';
import { resample, scaledSize } from '../src/resample.js';

const mean = (p: Float32Array) => p.reduce((a, v) => a + v, 0) / p.length;

t.test('shrinking is area-weighted: a fine texture keeps its mean instead of aliasing', async (t) => {
  // A 1-px checkerboard of 0 and 1 (mean 0.5) shrunk 8×: point sampling would give all 0 or all 1.
  const w = 96;
  const plane = Float32Array.from({ length: w * w }, (_, i) => ((i % w) + Math.floor(i / w)) % 2);
  const small = resample(plane, w, w, 12, 12);
  t.ok(Math.abs(mean(small) - 0.5) < 0.01, `mean ${mean(small)}`);
  for (const v of small) if (Math.abs(v - 0.5) > 0.05) t.fail(`pixel ${v} far from 0.5`);
  // A bright square's total brightness (mean × area) survives a 3× shrink.
  const square = new Float32Array(90 * 90);
  for (let y = 30; y < 60; y++) for (let x = 30; x < 60; x++) square[y * 90 + x] = 1;
  const shrunk = resample(square, 90, 90, 30, 30);
  t.ok(Math.abs(mean(shrunk) - mean(square)) < 0.005, `mean ${mean(shrunk)} vs ${mean(square)}`);
});

t.test('enlarging is bilinear with pixel centres aligned', async (t) => {
  // Two pixels 0 and 1 enlarged 4×: centres at x_src = (x + 0.5) / 4 − 0.5 → −0.375, −0.125, 0.125, 0.375 …
  const out = resample(Float32Array.from([0, 1]), 2, 1, 8, 1);
  const expected = [0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1];
  for (let i = 0; i < 8; i++) t.ok(Math.abs(out[i]! - expected[i]!) < 1e-6, `x=${i}: ${out[i]} ≈ ${expected[i]}`);
  // A linear ramp stays a linear ramp inside (bilinear is exact on linear functions).
  const ramp = Float32Array.from({ length: 10 * 10 }, (_, i) => (i % 10) + 2 * Math.floor(i / 10));
  const big = resample(ramp, 10, 10, 30, 30);
  for (const [x, y] of [
    [10, 10],
    [15, 20],
    [25, 4],
  ] as const) {
    const sx = (x + 0.5) / 3 - 0.5;
    const sy = (y + 0.5) / 3 - 0.5;
    t.ok(Math.abs(big[y * 30 + x]! - (sx + 2 * sy)) < 1e-4, `(${x},${y})`);
  }
});

t.test('centre alignment: a symmetric image stays symmetric, and there and back loses no offset', async (t) => {
  const w = 41;
  const spot = Float32Array.from({ length: w * w }, (_, i) => {
    const x = (i % w) - 20;
    const y = Math.floor(i / w) - 20;
    return Math.exp(-(x * x + y * y) / 50);
  });
  const centroid = (p: Float32Array, width: number) => {
    let sx = 0;
    let sy = 0;
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      sx += (i % width) * p[i]!;
      sy += Math.floor(i / width) * p[i]!;
      s += p[i]!;
    }
    return [sx / s, sy / s];
  };
  for (const size of [13, 20, 100]) {
    const r = resample(spot, w, w, size, size);
    const [cx, cy] = centroid(r, size);
    // The source centre (pixel 20, i.e. 20.5 px from the edge) maps to 20.5 · size / 41 − 0.5.
    const expected = (20.5 * size) / w - 0.5;
    t.ok(Math.abs(cx! - expected) < 0.02 && Math.abs(cy! - expected) < 0.02, `${size}: (${cx}, ${cy})`);
    const back = resample(r, size, size, w, w);
    const [bx, by] = centroid(back, w);
    t.ok(Math.abs(bx! - 20) < 0.02 && Math.abs(by! - 20) < 0.02, `${size} and back: (${bx}, ${by})`);
  }
});

t.test('the same size returns the plane itself; rows and columns scale separately', async (t) => {
  const p = new Float32Array(12).fill(3);
  t.equal(resample(p, 4, 3, 4, 3), p);
  const r = resample(p, 4, 3, 2, 6);
  t.equal(r.length, 12);
  t.ok(
    r.every((v) => Math.abs(v - 3) < 1e-6),
    'a constant stays constant',
  );
});

t.test('scaledSize rounds and never goes below 1 px', async (t) => {
  t.same(scaledSize(100, 50, 0.5), { width: 50, height: 25 });
  t.same(scaledSize(101, 51, 1 / 3), { width: 34, height: 17 });
  t.same(scaledSize(10, 3, 0.01), { width: 1, height: 1 });
  t.same(scaledSize(7, 9, 2.5), { width: 18, height: 23 });
});

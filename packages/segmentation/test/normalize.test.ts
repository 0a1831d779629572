import t from 'tap';
import {
  HIGH_PERCENTILE,
  LOW_PERCENTILE,
  MIN_RANGE_IN_NOISE_SIGMAS,
  NORMALIZED_MAX,
  NORMALIZED_MIN,
  normalizationOf,
  normalizeImage,
} from '../src/normalize.js';

/** 0, 1, … 999 in a 1000 × 1 row: every percentile is known exactly, the noise estimate is tiny (steps of 1). */
const ramp = (type: 'u16' | 'f32') => {
  const values = Array.from({ length: 1000 }, (_, i) => i);
  return type === 'u16' ? Uint16Array.from(values) : Float32Array.from(values);
};

t.test('the 1st percentile maps to 0 and the 99.8th to 1, for integer and float samples', async (t) => {
  for (const type of ['u16', 'f32'] as const) {
    const data = ramp(type);
    const { low, high } = normalizationOf(data, 1000, 1);
    t.equal(low, Math.floor(LOW_PERCENTILE * 999), `${type} low`);
    t.equal(high, Math.floor(HIGH_PERCENTILE * 999), `${type} high`);
    const out = normalizeImage(data, 1000, 1);
    t.equal(out[low], 0, `${type}: the low percentile → 0`);
    t.equal(out[high], 1, `${type}: the high percentile → 1`);
    t.ok(Math.abs(out[500]! - (500 - low) / (high - low)) < 1e-6, `${type}: linear in between`);
  }
});

t.test('8-bit and 16-bit versions of one image normalise alike', async (t) => {
  const eight = Uint8Array.from({ length: 64 * 64 }, (_, i) => (i * 7) % 256);
  const sixteen = Uint16Array.from(eight, (v) => v * 257);
  const a = normalizeImage(eight, 64, 64);
  const b = normalizeImage(sixteen, 64, 64);
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > 1e-5) t.fail(`pixel ${i}: ${a[i]} vs ${b[i]}`);
  t.pass('same normalised values');
});

t.test('values far outside the range are clipped', async (t) => {
  const data = new Uint16Array(1000).fill(1000);
  for (let i = 0; i < 500; i++) data[i] = 1000 + i; // percentiles: low 1000, high ~1498
  data[0] = 0; // far below: clipped at NORMALIZED_MIN
  data[999] = 65535; // far above: clipped at NORMALIZED_MAX
  const out = normalizeImage(data, 1000, 1);
  t.equal(out[0], NORMALIZED_MIN);
  t.equal(out[999], NORMALIZED_MAX);
});

t.test('a field of noise only is not stretched: its range is at least the noise floor', async (t) => {
  let state = 3;
  const gaussian = () => {
    // Sum of 12 uniforms − 6: unit variance.
    let s = -6;
    for (let k = 0; k < 12; k++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      s += state / 2 ** 31;
    }
    return s;
  };
  const sigma = 10;
  const data = Uint16Array.from({ length: 128 * 128 }, () => Math.round(1000 + sigma * gaussian()));
  const { low, high, noise } = normalizationOf(data, 128, 128);
  t.ok(Math.abs(noise - sigma) < 0.1 * sigma, `noise σ ${noise.toFixed(2)} ≈ ${sigma}`);
  t.ok(high - low < MIN_RANGE_IN_NOISE_SIGMAS * noise, 'the percentile range is under the floor');
  const out = normalizeImage(data, 128, 128);
  const max = out.reduce((m, v) => Math.max(m, v), -Infinity);
  const min = out.reduce((m, v) => Math.min(m, v), Infinity);
  // Stretched to its percentiles, the noise would span 0…1; under the floor it spans ~(high − low) / (20 σ).
  t.ok(max - min < 0.5, `normalised noise spans ${(max - min).toFixed(3)}`);
  const span = data.reduce((m, v) => Math.max(m, v), 0) - data.reduce((m, v) => Math.min(m, v), 65535);
  t.ok(Math.abs(max - min - span / (MIN_RANGE_IN_NOISE_SIGMAS * noise)) < 1e-4, 'the range is 20 σ exactly');
});

t.test('a flat image does not divide by zero', async (t) => {
  const out = normalizeImage(new Uint16Array(100).fill(500), 10, 10);
  t.ok(out.every((v) => v === 0));
});

t.test(
  'a dense field of small, sharp, noise-free nuclei is stretched to its percentiles',
  { todo: 'the noise σ is the mean neighbour difference, which object edges dominate in dense fields' },
  async (t) => {
    // 7 px discs 9 px apart (a third of the field): no noise at all, yet σ is estimated at 7442 (the 49000 range
    // is under 20 σ) and the nuclei normalise to 0.33 instead of 1. Measured on such grids 1.5 diameters apart,
    // sharp: 8 px 0.51, 12 px 0.84, 20 px 1; blurred by σ = 1 px: 6 px 0.45, 8 px 0.60, 12 px 0.92. No image of
    // data/dsb2018 reaches the floor (the closest, in the small group, has a range of 1.2 × 20 σ): synthetic fields
    // of dense, sharp, small nuclei do.
    const side = 128;
    const data = new Uint16Array(side * side).fill(3000);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) if (((x % 9) - 4) ** 2 + ((y % 9) - 4) ** 2 <= 9) data[y * side + x] = 52000;
    const out = normalizeImage(data, side, side);
    t.equal(
      out.reduce((m, v) => Math.max(m, v), 0),
      1,
    );
  },
);

import t from 'tap';
import { DEFAULT_SIGMAS } from '../../src/features/bank.js';
import { featuresAt } from '../../src/features/extract.js';
import { syntheticField } from '../fixtures/fields.js';

const everyPixel = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);

t.test('percentile normalisation makes features independent of bit depth and exposure', async (t) => {
  const { image } = syntheticField(4);
  const area = image.planes.width * image.planes.height;
  const bank = { sigmas: DEFAULT_SIGMAS, normalization: 'percentile' as const };
  const a = await featuresAt(image.planes, bank, everyPixel(area));
  // The same field, 8-bit-like: 16× brighter in [0, 1] with an offset.
  const brighter = { ...image.planes, data: image.planes.data.map((v) => 16 * v + 0.02) };
  const b = await featuresAt(brighter, bank, everyPixel(area));
  let worst = 0;
  for (let i = 0; i < a.rows.length; i++) worst = Math.max(worst, Math.abs(a.rows[i]! - b.rows[i]!));
  t.ok(worst < 1e-3, `largest difference ${worst}`);
  const raw = await featuresAt(brighter, { ...bank, normalization: 'none' }, everyPixel(area));
  t.not(raw.rows[0], a.rows[0], 'without normalisation brightness counts');
});

t.test('a field of pure noise is not stretched to full range (noise floor)', async (t) => {
  const size = 96;
  let state = 1;
  const noise = Float32Array.from({ length: size * size }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 0.01 + 0.0002 * (state / 2 ** 31 - 0.5);
  });
  const { rows, width } = await featuresAt(
    { width: size, height: size, channels: 1, data: noise },
    { sigmas: DEFAULT_SIGMAS, normalization: 'percentile' },
    everyPixel(size * size),
  );
  let max = 0;
  // The first σ's Gaussian is the first feature: the normalised intensity, barely smoothed.
  for (let i = 0; i < size * size; i++) max = Math.max(max, rows[i * width]!);
  t.ok(max < 0.3, `noise reaches ${max.toFixed(3)} of the range, not 1`);
});

import t, { type Test } from 'tap';
import { estimateDiameter, gaussianBlur } from '../src/diameter.js';
import { normalizeImage } from '../src/normalize.js';
import { type Disc, discField } from './helpers/images.js';

/** Discs of one diameter spread over a field (spaced 1.6 diameters apart), 16-bit, normalised as a job would. */
function field(diameter: number) {
  const r = diameter / 2;
  const spacing = Math.round(1.6 * diameter);
  const perRow = diameter >= 100 ? 2 : 5;
  const side = Math.ceil(perRow * spacing + diameter);
  const discs: Disc[] = [];
  for (let row = 0; row < perRow; row++)
    for (let col = 0; col < perRow; col++)
      discs.push({ x: diameter + col * spacing + 0.3 * row, y: diameter + row * spacing, r: r - 0.5 });
  const data = discField(side, side, discs, 16) as Uint16Array;
  return { plane: normalizeImage(data, side, side), side };
}

function within20Percent(t: Test, diameter: number) {
  const { plane, side } = field(diameter);
  const { diameter: d, blobs } = estimateDiameter(plane, side, side);
  t.ok(d !== undefined && Math.abs(d / diameter - 1) < 0.2, `${diameter} px → ${d?.toFixed(1)} (${blobs} blobs)`);
  t.ok(blobs >= 1);
}

t.test('the estimate finds rendered discs of 8, 16 and 40 px within 20 %', async (t) => {
  for (const diameter of [8, 16, 40]) within20Percent(t, diameter);
});

// Measured 90 px: the coarsest octave starts at σ = 1.26 of its (32 px) pixels, where grid sampling and the
// 5-point Laplacian lose ~25 % of a blob's response, so the finer octave's largest σ (90.5 px) wins.
t.test(
  '120 px discs within 20 %',
  { todo: 'estimateDiameter underestimates nuclei over ~100 px by ~25 %' },
  async (t) => {
    within20Percent(t, 120);
  },
);

t.test('a blurred field gives the same answer as a sharp one', async (t) => {
  const { plane, side } = field(24);
  const sharp = estimateDiameter(plane, side, side).diameter!;
  const soft = estimateDiameter(gaussianBlur(plane, side, side, 1.5), side, side).diameter!;
  t.ok(Math.abs(soft / sharp - 1) < 0.2, `${sharp.toFixed(1)} vs blurred ${soft.toFixed(1)}`);
});

t.test('an empty image has no estimate', async (t) => {
  t.same(estimateDiameter(new Float32Array(128 * 128), 128, 128), { diameter: undefined, blobs: 0 });
  // Faint noise (under the absolute threshold once normalised) is no blob either.
  const noise = Float32Array.from({ length: 128 * 128 }, (_, i) => 0.002 * (((i * 2654435761) >>> 0) / 2 ** 32));
  t.equal(estimateDiameter(noise, 128, 128).diameter, undefined);
});

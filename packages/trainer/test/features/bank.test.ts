import ort from 'onnxruntime-node';
import t from 'tap';
import { DEFAULT_SIGMAS, FEATURE_KINDS, featureNames, minimumImageSide } from '../../src/features/bank.js';
import { featureBankModel, featuresAt } from '../../src/features/extract.js';

const SIZE = 64;
const centre = (SIZE / 2) * SIZE + SIZE / 2;

t.test('features are scale-normalised derivatives: exact on a ramp and a parabola', async (t) => {
  // Channel a: x²/4 + 3y (gradient (x/2, 3), Hessian diag(1/2, 0)); channel b: x (gradient (1, 0), no curvature).
  const data = new Float32Array(2 * SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      data[y * SIZE + x] = (x * x) / 4 + 3 * y;
      data[SIZE * SIZE + y * SIZE + x] = x;
    }
  }
  const { rows, width } = await featuresAt(
    { width: SIZE, height: SIZE, channels: 2, data },
    { sigmas: DEFAULT_SIGMAS, normalization: 'none' },
    Uint32Array.of(centre),
  );
  const names = featureNames(['a', 'b'], DEFAULT_SIGMAS);
  t.equal(width, 2 * FEATURE_KINDS.length * DEFAULT_SIGMAS.length);
  t.equal(names.length, width);
  const at = (name: string) => rows[names.indexOf(name)]!;
  for (const sigma of [1, 5]) {
    t.ok(
      Math.abs(at(`a:gradientMagnitude@${sigma}`) - sigma * Math.hypot(16, 3)) < 1e-2 * sigma,
      `gradient σ=${sigma}`,
    );
    t.ok(Math.abs(at(`a:hessianMax@${sigma}`) - (sigma * sigma) / 2) < 1e-3 * sigma * sigma, `Hessian max σ=${sigma}`);
    t.ok(Math.abs(at(`a:hessianMin@${sigma}`)) < 1e-3 * sigma * sigma, `Hessian min σ=${sigma}`);
    t.ok(Math.abs(at(`b:gaussian@${sigma}`) - 32) < 1e-3, 'smoothing keeps a linear ramp');
    t.ok(Math.abs(at(`b:gradientMagnitude@${sigma}`) - sigma) < 1e-3);
  }
});

t.test('the bank runs on any image size down to the reflection limit, and refuses smaller', async (t) => {
  const session = await ort.InferenceSession.create(featureBankModel(DEFAULT_SIGMAS, 'none'));
  const side = minimumImageSide(DEFAULT_SIGMAS);
  const run = (w: number, h: number) =>
    session.run({ image: new ort.Tensor('float32', new Float32Array(w * h).fill(0.5), [1, 1, h, w]) });
  const out = await run(side, side + 7);
  t.same(out.features!.dims, [1, FEATURE_KINDS.length * DEFAULT_SIGMAS.length, side + 7, side]);
  await t.rejects(run(side - 2, side));
});

t.test('a subset of feature kinds gives exactly those planes of the full bank, in order', async (t) => {
  const data = Float32Array.from({ length: SIZE * SIZE }, (_, i) => Math.sin(i / 7) + ((i * 31) % 17) / 17);
  const planes = { width: SIZE, height: SIZE, channels: 1, data };
  const sigmas = [1, 2, 4];
  const pixels = Uint32Array.of(0, 100, centre, SIZE * SIZE - 1);
  const full = await featuresAt(planes, { sigmas, normalization: 'none' }, pixels);
  const kinds = ['gaussian', 'hessianMin'] as const;
  const part = await featuresAt(planes, { sigmas, normalization: 'none', features: kinds }, pixels);
  const names = featureNames(['a'], sigmas, kinds);
  const all = featureNames(['a'], sigmas);
  t.same(names, ['a:gaussian@1', 'a:gaussian@2', 'a:gaussian@4', 'a:hessianMin@1', 'a:hessianMin@2', 'a:hessianMin@4']);
  t.equal(part.width, names.length);
  pixels.forEach((_, p) => {
    names.forEach((name, f) => {
      t.equal(part.rows[p * part.width + f], full.rows[p * full.width + all.indexOf(name)], `${name} at pixel ${p}`);
    });
  });
});

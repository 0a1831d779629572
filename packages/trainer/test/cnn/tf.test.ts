import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import t from 'tap';
import { seededRandom } from '../../src/classifier/random.js';
import { tensorflow } from '../../src/cnn/tf.js';

/** Direct loops: y = conv2d(x, f) ('same', stride 1), NHWC / HWIO. Returns the gradients of Σ y · w. */
function reference(x: Float32Array, f: Float32Array, w: Float32Array, dims: number[]) {
  const [b, h, wd, ci, k, co] = dims as [number, number, number, number, number, number];
  const p = (k - 1) / 2;
  const dx = new Float32Array(x.length);
  const df = new Float32Array(f.length);
  for (let n = 0; n < b; n++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < wd; xx++)
        for (let o = 0; o < co; o++) {
          const g = w[((n * h + y) * wd + xx) * co + o]!;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              const sy = y + ky - p;
              const sx = xx + kx - p;
              if (sy < 0 || sy >= h || sx < 0 || sx >= wd) continue;
              for (let i = 0; i < ci; i++) {
                const xi = ((n * h + sy) * wd + sx) * ci + i;
                const fi = ((ky * k + kx) * ci + i) * co + o;
                dx[xi]! += g * f[fi]!;
                df[fi]! += g * x[xi]!;
              }
            }
        }
  return { dx, df };
}

t.test(
  "the wasm backend's Conv2D gradient (re-registered in terms of Conv2D) is the convolution's gradient",
  async (t) => {
    const tf = await tensorflow();
    t.equal(tf.getBackend(), 'wasm');
    const random = seededRandom(21);
    for (const dims of [
      [1, 5, 6, 2, 3, 3],
      [2, 4, 4, 3, 1, 2],
      [1, 7, 5, 1, 5, 2],
    ]) {
      const [b, h, w, ci, k, co] = dims as [number, number, number, number, number, number];
      const fill = (n: number) => Float32Array.from({ length: n }, () => random() * 2 - 1);
      const x = fill(b * h * w * ci);
      const f = fill(k * k * ci * co);
      const weights = fill(b * h * w * co);
      const [gx, gf] = tf.grads((xs: Tensor, fs: Tensor) =>
        tf.sum(tf.mul(tf.conv2d(xs as Tensor4D, fs as Tensor4D, 1, 'same'), tf.tensor4d(weights, [b, h, w, co]))),
      )([tf.tensor4d(x, [b, h, w, ci]), tf.tensor4d(f, [k, k, ci, co])]);
      const { dx, df } = reference(x, f, weights, dims);
      const worst = (a: Float32Array, e: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - e[i]!)), 0);
      t.ok(worst(gx!.dataSync() as Float32Array, dx) < 1e-4, `${dims.join('×')}: dx`);
      t.ok(worst(gf!.dataSync() as Float32Array, df) < 1e-4, `${dims.join('×')}: dW`);
      t.ok(
        df.some((v) => Math.abs(v) > 0.1),
        'a gradient that is not all zeros',
      );
    }
  },
);

t.test('strides other than 1 are refused rather than computed wrong', async (t) => {
  const tf = await tensorflow();
  t.throws(
    () =>
      tf.grad((xs: Tensor) => tf.sum(tf.conv2d(xs as Tensor4D, tf.ones([3, 3, 1, 1]), 2, 'same')))(
        tf.ones([1, 4, 4, 1]),
      ),
    /stride 1, dilation 1 and odd kernels only/,
  );
});

import t from 'tap';
import { gaussianKernel, kernelRadius } from '../../src/features/kernels.js';

t.test('a Gaussian kernel spans ±3σ, sums to 1 and is symmetric', async (t) => {
  for (const sigma of [0.3, 0.7, 1.6, 10]) {
    const k = gaussianKernel(sigma);
    t.equal(k.length, 2 * kernelRadius(sigma) + 1);
    t.ok(Math.abs(k.reduce((a, b) => a + b, 0) - 1) < 1e-6, `σ=${sigma} sums to 1`);
    t.same(Array.from(k), Array.from(k).reverse(), `σ=${sigma} is symmetric`);
  }
  t.equal(kernelRadius(0.1), 1, 'at least one tap each side');
  t.throws(() => gaussianKernel(0), RangeError);
});

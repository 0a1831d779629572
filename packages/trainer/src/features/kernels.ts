/** Truncation at 3σ (as ilastik/vigra), at least one tap on each side. */
export function kernelRadius(sigma: number): number {
  return Math.max(1, Math.ceil(3 * sigma));
}

/** A sampled 1-D Gaussian of 2·radius + 1 taps, normalised to sum 1 so smoothing keeps the mean intensity. */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) throw new RangeError(`sigma must be > 0 (got ${sigma})`);
  const radius = kernelRadius(sigma);
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = 0; i < taps.length; i++) {
    const x = i - radius;
    taps[i] = Math.exp((-x * x) / (2 * sigma * sigma));
    sum += taps[i]!;
  }
  return Float32Array.from(taps, (v) => v / sum);
}

import type { Samples } from '../../src/classifier/dataset.js';
import { seededRandom } from '../../src/classifier/random.js';

/** Class 1 inside a ring (not linearly separable), on features of very different scales; the third is noise. */
export function ring(count: number, seed: number): Samples {
  const random = seededRandom(seed);
  const features = new Float32Array(count * 3);
  const classes = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const x = random() * 2 - 1;
    const y = random() * 2 - 1;
    features.set([x * 1000, y, random()], i * 3);
    classes[i] = Math.hypot(x, y) < 0.6 ? 1 : 0;
  }
  return { features, classes, count, width: 3, classCount: 2 };
}

/** Share of rows whose most probable class is their own. */
export function accuracy(samples: Samples, probabilities: (row: Float32Array) => Float64Array): number {
  let ok = 0;
  for (let i = 0; i < samples.count; i++) {
    const p = probabilities(samples.features.subarray(i * samples.width, (i + 1) * samples.width));
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k;
    if (best === samples.classes[i]) ok++;
  }
  return ok / samples.count;
}

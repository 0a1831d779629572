import { resample } from '@platescale/segmentation';
import { gaussian } from '../classifier/random.js';
import { instanceTargets, type PixelTargets } from './targets.js';

/** A training image: normalised intensities (normalizeImage), instance labels and its nuclei's median diameter. */
export interface TrainingImage {
  name: string;
  data: Float32Array;
  labels: Uint16Array;
  width: number;
  height: number;
  diameter: number;
}

export interface PatchOptions {
  size: number;
  /** Nucleus diameter (px) the network works at. */
  canonicalDiameter: number;
  /** Random scale around the canonical one (log-uniform in [1/scaleJitter, scaleJitter]); 1 = none. */
  scaleJitter: number;
  augment: boolean;
}

export interface Patch extends PixelTargets {
  image: Float32Array;
}

const uniform = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();

/**
 * A size × size patch at the canonical scale (a random one around it): the region of the image that maps onto
 * it is cut out with a margin and resampled (area-weighted when shrinking), labels by nearest neighbour on the same
 * grid; then a random flip/rotation and, with `augment`, intensity changes a real plate shows: nuclei of very
 * different brightness in one field, uneven illumination, gamma, noise. Pixels outside the image weigh nothing.
 */
export function samplePatch(img: TrainingImage, opts: PatchOptions, random: () => number): Patch {
  const { size } = opts;
  const jitter = opts.scaleJitter > 1 ? Math.exp(uniform(random, -1, 1) * Math.log(opts.scaleJitter)) : 1;
  const scale = (opts.canonicalDiameter / img.diameter) * jitter;
  const scaledW = img.width * scale;
  const scaledH = img.height * scale;
  const px = Math.floor(random() * Math.max(0, scaledW - size));
  const py = Math.floor(random() * Math.max(0, scaledH - size));
  // The source region, one source pixel of margin each way, and its size on the patch grid.
  const x0 = Math.max(0, Math.floor(px / scale) - 1);
  const y0 = Math.max(0, Math.floor(py / scale) - 1);
  const x1 = Math.min(img.width, Math.ceil((px + size) / scale) + 1);
  const y1 = Math.min(img.height, Math.ceil((py + size) / scale) + 1);
  const cw = x1 - x0;
  const ch = y1 - y0;
  const crop = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++)
    crop.set(img.data.subarray((y0 + y) * img.width + x0, (y0 + y) * img.width + x1), y * cw);
  const rw = Math.max(1, Math.round(cw * scale));
  const rh = Math.max(1, Math.round(ch * scale));
  const resampled = resample(crop, cw, ch, rw, rh);
  const sx = rw / cw;
  const sy = rh / ch;
  const ox = Math.min(Math.max(0, Math.round(px - x0 * scale)), Math.max(0, rw - 1));
  const oy = Math.min(Math.max(0, Math.round(py - y0 * scale)), Math.max(0, rh - 1));

  const image = new Float32Array(size * size);
  const labels = new Uint16Array(size * size);
  const valid = new Uint8Array(size * size);
  for (let v = 0; v < size; v++) {
    const ry = oy + v;
    if (ry >= rh) break;
    const ly = Math.min(ch - 1, Math.max(0, Math.round((ry + 0.5) / sy - 0.5))) + y0;
    for (let u = 0; u < size; u++) {
      const rx = ox + u;
      if (rx >= rw) break;
      const lx = Math.min(cw - 1, Math.max(0, Math.round((rx + 0.5) / sx - 0.5))) + x0;
      const i = v * size + u;
      image[i] = resampled[ry * rw + rx]!;
      labels[i] = img.labels[ly * img.width + lx]!;
      valid[i] = 1;
    }
  }
  const turned = dihedral([image, labels, valid], size, Math.floor(random() * 8));
  const [tImage, tLabels, tValid] = turned as [Float32Array, Uint16Array, Uint8Array];
  if (opts.augment) augmentIntensity(tImage, tLabels, size, random);
  return { image: tImage, ...instanceTargets(tLabels, size, size, tValid) };
}

/** One of the 8 flips/rotations of square planes. */
function dihedral<T extends Float32Array | Uint16Array | Uint8Array>(planes: T[], size: number, k: number): T[] {
  if (k === 0) return planes;
  return planes.map((p) => {
    const out = new (p.constructor as new (n: number) => T)(p.length);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let u = k & 1 ? size - 1 - x : x;
        let v = k & 2 ? size - 1 - y : y;
        if (k & 4) [u, v] = [v, u];
        out[v * size + u] = p[y * size + x]!;
      }
    }
    return out;
  });
}

/** The patch's background level: its 5th percentile. */
function backgroundLevel(image: Float32Array): number {
  const sorted = Float32Array.from(image).sort();
  return sorted[Math.floor(0.05 * (sorted.length - 1))]!;
}

function augmentIntensity(image: Float32Array, labels: Uint16Array, size: number, random: () => number): void {
  const bg = backgroundLevel(image);
  if (random() < 0.5) {
    // Each nucleus (and a 2 px rim, so no bright halo is left around a dimmed one) at its own brightness.
    const factors = new Map<number, number>();
    const field = new Float32Array(image.length).fill(1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let l = 0;
        for (let dy = -2; dy <= 2 && !l; dy++) {
          for (let dx = -2; dx <= 2 && !l; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < size && xx >= 0 && xx < size) l = labels[yy * size + xx]!;
          }
        }
        if (!l) continue;
        let f = factors.get(l);
        if (f === undefined) {
          f = Math.exp(uniform(random, Math.log(0.15), Math.log(1.5)));
          factors.set(l, f);
        }
        field[y * size + x] = f;
      }
    }
    for (let i = 0; i < image.length; i++) image[i] = bg + (image[i]! - bg) * field[i]!;
  }
  if (random() < 0.3) {
    const gx = uniform(random, -0.6, 0.6);
    const gy = uniform(random, -0.6, 0.6);
    const offset = uniform(random, -0.1, 0.1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const i = y * size + x;
        const u = x / size - 0.5;
        const v = y / size - 0.5;
        image[i] = bg + (image[i]! - bg) * (1 + gx * u + gy * v) + offset * (u + v);
      }
    }
  }
  if (random() < 0.3) {
    const gamma = Math.exp(uniform(random, Math.log(0.6), Math.log(1.5)));
    for (let i = 0; i < image.length; i++) {
      const d = image[i]! - bg;
      image[i] = bg + Math.sign(d) * Math.abs(d) ** gamma;
    }
  }
  if (random() < 0.3) {
    const sd = uniform(random, 0.005, 0.06);
    for (let i = 0; i < image.length; i++) image[i]! += sd * gaussian(random);
  }
}

import { SyntheticError } from './errors.js';
import { type Nucleus, placeNuclei } from './nuclei.js';
import { createRandom, deriveSeed, NORMAL_TABLE, NORMAL_TABLE_MASK, type Random } from './random.js';

export type BitDepth = 8 | 16;
export type Pixels = Uint8Array | Uint16Array;

export interface FieldOptions {
  width: number;
  height: number;
  seed: number;
  /** How many nuclei to place; or pass `nuclei` to render an exact set. */
  count?: number;
  nuclei?: Nucleus[];
  bitDepth?: BitDepth;
  /** Nucleus radius range in pixels; default 5–10 px scaled to the field size relative to 512². */
  radius?: readonly [number, number];
  /** Fraction of nuclei that are half of a touching pair (default 0.06). */
  touchingFraction?: number;
  /** Multiplies the second stain's per-cell signal (a treatment can raise or lower it); default 1. Ignored with
   * explicit `nuclei`, which carry their own `stain`. */
  stainLevel?: number;
}

export interface RenderedField {
  width: number;
  height: number;
  bitDepth: BitDepth;
  /** [nuclei/DNA, second stain], row-major, one sample per pixel. */
  channels: [Pixels, Pixels];
  /** Ground-truth nucleus labels: 0 background, i + 1 for nuclei[i]. */
  labels: Uint16Array;
  nuclei: Nucleus[];
  count: number;
}

// Signal levels in photons. 16-bit images store photons; 8-bit images store photons / 16.
const DNA_BACKGROUND = 150;
const STAIN_BACKGROUND = 250;
const NUCLEUS_BRIGHTNESS = 1800;
const CELL_STAIN = 700;
const READ_NOISE = 3;
/** Soft-edge widths (px): the blur of nuclei and of the larger, fainter cell bodies. */
const NUCLEUS_EDGE = 2;
const CELL_EDGE = 5;
/** Cell body size relative to its nucleus (second stain). */
const CELL_SCALE = 1.9;

/**
 * Renders one field of view with known ground truth: blurred elliptical nuclei of varied size and brightness in
 * channel 1, a correlated cell stain in channel 2, uneven illumination and Poisson-like noise in both.
 */
export function renderField(opts: FieldOptions): RenderedField {
  const { width, height, seed } = opts;
  const bitDepth = opts.bitDepth ?? 16;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 32 || height < 32) {
    throw new SyntheticError(`field size must be integers ≥ 32, got ${width}×${height}`);
  }
  if (bitDepth !== 8 && bitDepth !== 16) throw new SyntheticError(`bitDepth must be 8 or 16, got ${bitDepth}`);
  const scale = Math.min(width, height) / 512;
  const stainLevel = opts.stainLevel ?? 1;
  const nuclei =
    opts.nuclei ??
    placeNuclei(createRandom(deriveSeed(seed, 'nuclei')), {
      width,
      height,
      count: opts.count ?? 50,
      radius: opts.radius ?? [5 * scale, 10 * scale],
      touchingFraction: opts.touchingFraction ?? 0.06,
      brightness: NUCLEUS_BRIGHTNESS,
      stain: CELL_STAIN * stainLevel,
    });
  if (nuclei.length > 65535) throw new SyntheticError('at most 65535 nuclei per field (16-bit labels)');

  const random = createRandom(deriveSeed(seed, 'field'));
  const dna = new Float32Array(width * height);
  const stain = new Float32Array(width * height);
  const labels = new Uint16Array(width * height);
  nuclei.forEach((n, i) => {
    drawNucleus(dna, labels, nuclei, i, width, height);
    drawCell(stain, n, width, height);
  });
  return {
    width,
    height,
    bitDepth,
    channels: [
      expose(dna, illumination(random, DNA_BACKGROUND), random, width, height, bitDepth),
      expose(stain, illumination(random, STAIN_BACKGROUND), random, width, height, bitDepth),
    ],
    labels,
    nuclei,
    count: nuclei.length,
  };
}

/** A smooth background, brighter on one side and darker towards the corners (vignetting): level·(1 + g·r − v·r²). */
interface Illumination {
  level: number;
  gx: number;
  gy: number;
  vignette: number;
}

function illumination(random: Random, level: number): Illumination {
  const theta = random.uniform(0, 2 * Math.PI);
  return { level, gx: 0.3 * Math.cos(theta), gy: 0.3 * Math.sin(theta), vignette: random.uniform(0.2, 0.4) };
}

/** A nucleus (or its cell body, `grow` times larger) as a rotation and inverse radii, computed once per shape. */
interface Ellipse {
  x: number;
  y: number;
  cos: number;
  sin: number;
  inverseX: number;
  inverseY: number;
}

function ellipse(n: Nucleus, grow = 1): Ellipse {
  return {
    x: n.x,
    y: n.y,
    cos: Math.cos(n.angle),
    sin: Math.sin(n.angle),
    inverseX: 1 / (n.radiusX * grow),
    inverseY: 1 / (n.radiusY * grow),
  };
}

/** Normalised elliptical distance of (px, py) from the centre: 1 on the boundary. */
function ellipseDistance(e: Ellipse, px: number, py: number): number {
  const dx = px - e.x;
  const dy = py - e.y;
  const u = (dx * e.cos + dy * e.sin) * e.inverseX;
  const v = (-dx * e.sin + dy * e.cos) * e.inverseY;
  return Math.sqrt(u * u + v * v);
}

function bounds(n: Nucleus, reach: number, width: number, height: number) {
  return {
    x0: Math.max(0, Math.floor(n.x - reach)),
    x1: Math.min(width - 1, Math.ceil(n.x + reach)),
    y0: Math.max(0, Math.floor(n.y - reach)),
    y1: Math.min(height - 1, Math.ceil(n.y + reach)),
  };
}

function drawNucleus(
  signal: Float32Array,
  labels: Uint16Array,
  nuclei: Nucleus[],
  index: number,
  width: number,
  height: number,
): void {
  const n = nuclei[index]!;
  const e = ellipse(n);
  const mean = Math.sqrt(n.radiusX * n.radiusY);
  const { x0, x1, y0, y1 } = bounds(n, Math.max(n.radiusX, n.radiusY) + NUCLEUS_EDGE, width, height);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = ellipseDistance(e, x + 0.5, y + 0.5);
      // A linear ramp across the boundary stands in for optical blur; a slight dome for chromatin density.
      const edge = Math.min(1, Math.max(0, 0.5 - ((d - 1) * mean) / NUCLEUS_EDGE));
      if (edge <= 0) continue;
      const i = y * width + x;
      signal[i] = signal[i]! + n.brightness * edge * (1 - 0.25 * Math.min(d * d, 1));
      if (d < 1) {
        const current = labels[i]!;
        // Touching pairs may share a few pixels: the pixel belongs to the nucleus whose centre is nearer.
        if (current === 0 || ellipseDistance(ellipse(nuclei[current - 1]!), x + 0.5, y + 0.5) > d)
          labels[i] = index + 1;
      }
    }
  }
}

function drawCell(signal: Float32Array, n: Nucleus, width: number, height: number): void {
  const e = ellipse(n, CELL_SCALE);
  const mean = Math.sqrt(n.radiusX * n.radiusY) * CELL_SCALE;
  const { x0, x1, y0, y1 } = bounds(n, Math.max(n.radiusX, n.radiusY) * CELL_SCALE + CELL_EDGE, width, height);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const d = ellipseDistance(e, x + 0.5, y + 0.5);
      const edge = Math.min(1, Math.max(0, 0.5 - ((d - 1) * mean) / CELL_EDGE));
      if (edge <= 0) continue;
      const i = y * width + x;
      signal[i] = signal[i]! + n.stain * edge;
    }
  }
}

/**
 * Background plus the drawn signal, then shot noise (σ = √photons, from a pre-drawn normal table) and read noise,
 * quantised and clipped. One pass per channel: this loop is most of the rendering time.
 */
function expose(
  signal: Float32Array,
  light: Illumination,
  random: Random,
  width: number,
  height: number,
  bitDepth: BitDepth,
): Pixels {
  const out = bitDepth === 8 ? new Uint8Array(signal.length) : new Uint16Array(signal.length);
  const max = bitDepth === 8 ? 255 : 65535;
  const photonScale = bitDepth === 8 ? 1 / 16 : 1;
  const readVariance = READ_NOISE * READ_NOISE;
  const { level, gx, gy, vignette } = light;
  const columnTerm = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const u = x / width - 0.5;
    columnTerm[x] = level * (gx * u - vignette * u * u);
  }
  const table = NORMAL_TABLE;
  let state = random.uint32() | 1;
  for (let y = 0; y < height; y++) {
    const v = y / height - 0.5;
    const rowTerm = level * (1 + gy * v - vignette * v * v);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const p = rowTerm + columnTerm[x]! + signal[row + x]!;
      // (v + 0.5) | 0 rounds (and clamps below to 0); several times faster than Math.round + Math.min/max here.
      const q = ((p + Math.sqrt(p + readVariance) * table[state & NORMAL_TABLE_MASK]!) * photonScale + 0.5) | 0;
      out[row + x] = Math.min(Math.max(q, 0), max);
    }
  }
  return out;
}

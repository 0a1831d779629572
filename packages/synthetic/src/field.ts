import { SyntheticError } from './errors.js';
import { extent, type Harmonic, type Nucleus, placeNuclei } from './nuclei.js';
import { blurBoxes, TEXTURE_SIZE, textureTile } from './optics.js';
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
  /** Allowed nucleus radius range in pixels; default 0.5–2× `meanRadius`. */
  radius?: readonly [number, number];
  /** Median nucleus radius (px), the experiment's typical size; default the geometric mean of `radius`, else 7 px
   * scaled to the field size relative to 512². */
  meanRadius?: number;
  /** Standard deviation of ln(radius) within the field (default 0.25). */
  radiusSpread?: number;
  /** Standard deviation of ln(brightness) within the field (default 0.5: dim and bright nuclei ~9× apart). */
  brightnessSpread?: number;
  /** Largest bump of the outline relative to the radius (default 0.08; 0: plain ellipses). */
  irregularity?: number;
  /** Fraction of nuclei in touching clumps (default 0.3). */
  touchingFraction?: number;
  /** Chromatin texture: relative standard deviation of the nuclear signal (default 0.25; 0: smooth nuclei). */
  texture?: number;
  /** Optical blur: σ of the Gaussian point-spread function in px (default drawn per field, 0.8–1.6 px for nuclei of
   * 7 px radius, in proportion otherwise). */
  blur?: number;
  /** Strength of the uneven illumination: the field's edge-to-centre fall-off and tilt (default 1; 0: flat). */
  illumination?: number;
  /** Camera read noise, photons rms (default 5). Shot noise (σ = √photons) is always there. */
  readNoise?: number;
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
  /** Ground-truth instance labels: 0 background, i + 1 for nuclei[i]; each nucleus one connected region. */
  labels: Uint16Array;
  nuclei: Nucleus[];
  /** The true number of nuclei (= labels present in `labels`). */
  count: number;
}

// Signal levels in photons. 16-bit images store photons; 8-bit images store photons / 16.
const DNA_BACKGROUND = 150;
const STAIN_BACKGROUND = 250;
const NUCLEUS_BRIGHTNESS = 1800;
const CELL_STAIN = 700;
/** Soft-edge width (px) of the larger, fainter cell bodies of the second stain. */
const CELL_EDGE = 5;
/** Cell body size relative to its nucleus (second stain). */
const CELL_SCALE = 1.9;
/** Chromatin grain (σ px for nuclei of 7 px radius). */
const TEXTURE_GRAIN = 1.2;

/**
 * Renders one field of view with known ground truth: irregular nuclei of lognormal size and several-fold
 * brightness spread, some in touching clumps, with chromatin texture, seen through a Gaussian PSF, in channel 1;
 * a correlated cell stain in channel 2; uneven illumination, shot and read noise in both.
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
  const meanRadius = opts.meanRadius ?? (opts.radius ? Math.sqrt(opts.radius[0] * opts.radius[1]) : 7 * scale);
  if (!(meanRadius > 0)) throw new SyntheticError(`meanRadius must be > 0, got ${meanRadius}`);
  const nuclei =
    opts.nuclei ??
    placeNuclei(createRandom(deriveSeed(seed, 'nuclei')), {
      width,
      height,
      count: opts.count ?? 50,
      meanRadius,
      radiusSpread: opts.radiusSpread ?? 0.25,
      radius: opts.radius ?? [meanRadius / 2, meanRadius * 2],
      touchingFraction: opts.touchingFraction ?? 0.3,
      brightness: NUCLEUS_BRIGHTNESS,
      brightnessSpread: opts.brightnessSpread ?? 0.5,
      stain: CELL_STAIN * stainLevel,
      irregularity: opts.irregularity ?? 0.08,
    });
  if (nuclei.length > 65535) throw new SyntheticError('at most 65535 nuclei per field (16-bit labels)');

  const random = createRandom(deriveSeed(seed, 'field'));
  // Blur and chromatin grain follow the nucleus size: a higher magnification enlarges both.
  const optical = meanRadius / 7;
  const blur = opts.blur ?? random.uniform(0.8, 1.6) * optical;
  const labels = new Uint16Array(width * height);
  const depth = new Float32Array(width * height);
  nuclei.forEach((_, i) => {
    claimPixels(labels, depth, nuclei, i, width, height);
  });
  const texture: Texture = {
    tile: textureTile(TEXTURE_GRAIN * optical),
    amplitude: opts.texture ?? 0.25,
    offsets: Uint32Array.from({ length: nuclei.length }, () => random.uint32()),
  };
  const sharp = nuclearSignal(labels, depth, texture, nuclei, width);
  const spread = Math.ceil(2.5 * blur) + 1;
  const dna =
    blur > 0
      ? blurBoxes(
          sharp,
          width,
          height,
          blur,
          nuclei.map((n) => bounds(n.x, n.y, extent(n) + spread, width, height)),
        )
      : sharp;
  const stain = new Float32Array(width * height);
  for (const n of nuclei) drawCell(stain, n, width, height);
  const strength = opts.illumination ?? 1;
  const readNoise = opts.readNoise ?? 5;
  return {
    width,
    height,
    bitDepth,
    channels: [
      expose(dna, illumination(random, DNA_BACKGROUND, strength), readNoise, random, width, height, bitDepth),
      expose(stain, illumination(random, STAIN_BACKGROUND, strength), readNoise, random, width, height, bitDepth),
    ],
    labels,
    nuclei,
    count: nuclei.length,
  };
}

/**
 * Uneven illumination as a flat field multiplying background and signal alike: 1 + g·r − v·r² (a tilt towards
 * one side, darker corners).
 */
interface Illumination {
  level: number;
  gx: number;
  gy: number;
  vignette: number;
}

function illumination(random: Random, level: number, strength: number): Illumination {
  const theta = random.uniform(0, 2 * Math.PI);
  const tilt = strength * random.uniform(0.15, 0.4);
  return {
    level,
    gx: tilt * Math.cos(theta),
    gy: tilt * Math.sin(theta),
    vignette: strength * random.uniform(0.3, 0.6),
  };
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

/** Normalised elliptical distance of (px, py) from the centre: 1 on the ellipse. */
function ellipseDistance(e: Ellipse, px: number, py: number): number {
  const dx = px - e.x;
  const dy = py - e.y;
  const u = (dx * e.cos + dy * e.sin) * e.inverseX;
  const v = (-dx * e.sin + dy * e.cos) * e.inverseY;
  return Math.sqrt(u * u + v * v);
}

function bounds(x: number, y: number, reach: number, width: number, height: number) {
  return {
    x0: Math.max(0, Math.floor(x - reach)),
    x1: Math.min(width - 1, Math.ceil(x + reach)),
    y0: Math.max(0, Math.floor(y - reach)),
    y1: Math.min(height - 1, Math.ceil(y + reach)),
  };
}

/** An outline's harmonics as a·cos φ and a·sin φ, ascending by order, so that pixels need no trigonometry. */
interface PreparedOutline {
  orders: number[];
  cosine: number[];
  sine: number[];
}

function prepareOutline(outline: readonly Harmonic[]): PreparedOutline {
  const sorted = [...outline].sort((a, b) => a.order - b.order);
  return {
    orders: sorted.map((h) => h.order),
    cosine: sorted.map((h) => h.amplitude * Math.cos(h.phase)),
    sine: sorted.map((h) => h.amplitude * Math.sin(h.phase)),
  };
}

/** The outline factor 1 + Σ a·cos(kθ + φ) from cos θ and sin θ, stepping cos kθ and sin kθ by angle addition. */
function outlineAt(outline: PreparedOutline, c: number, s: number): number {
  let f = 1;
  let ck = c;
  let sk = s;
  let k = 1;
  for (let h = 0; h < outline.orders.length; h++) {
    const order = outline.orders[h]!;
    while (k < order) {
      const next = ck * c - sk * s;
      sk = sk * c + ck * s;
      ck = next;
      k++;
    }
    f += outline.cosine[h]! * ck - outline.sine[h]! * sk;
  }
  return f;
}

/**
 * Labels the pixels inside nucleus `index`'s outline, recording how deep inside each lies (0 centre, 1 boundary).
 * Where touching nuclei press into each other the pixel goes to the nucleus it lies deeper in, which draws a
 * shared boundary between them and keeps each one whole.
 */
function claimPixels(
  labels: Uint16Array,
  depth: Float32Array,
  nuclei: Nucleus[],
  index: number,
  width: number,
  height: number,
): void {
  const n = nuclei[index]!;
  const e = ellipse(n);
  const outline = prepareOutline(n.outline ?? []);
  const { x0, x1, y0, y1 } = bounds(n.x, n.y, extent(n), width, height);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - e.x;
      const dy = y + 0.5 - e.y;
      const u = (dx * e.cos + dy * e.sin) * e.inverseX;
      const v = (-dx * e.sin + dy * e.cos) * e.inverseY;
      let d = Math.sqrt(u * u + v * v);
      if (outline.orders.length > 0 && d > 0) d /= outlineAt(outline, u / d, v / d);
      if (d >= 1) continue;
      const i = y * width + x;
      if (labels[i] === 0 || depth[i]! > d) {
        labels[i] = index + 1;
        depth[i] = d;
      }
    }
  }
}

/** Chromatin texture: a shared tile, read by each nucleus at its own offset, as 1 + amplitude·tile (≥ 0.2). */
interface Texture {
  tile: Float32Array;
  amplitude: number;
  offsets: Uint32Array;
}

/** The DNA signal before blur: each labelled pixel carries its own nucleus's brightness, a slight dome, texture. */
function nuclearSignal(
  labels: Uint16Array,
  depth: Float32Array,
  texture: Texture,
  nuclei: Nucleus[],
  width: number,
): Float32Array {
  const signal = new Float32Array(labels.length);
  const mask = TEXTURE_SIZE - 1;
  const { tile, amplitude, offsets } = texture;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === 0) continue;
    const d = depth[i]!;
    const offset = offsets[label - 1]!;
    const tx = ((i % width) + offset) & mask;
    const ty = (((i / width) | 0) + (offset >>> 8)) & mask;
    const grain = Math.max(0.2, 1 + amplitude * tile[ty * TEXTURE_SIZE + tx]!);
    signal[i] = nuclei[label - 1]!.brightness * (1 - 0.25 * d * d) * grain;
  }
  return signal;
}

function drawCell(signal: Float32Array, n: Nucleus, width: number, height: number): void {
  const e = ellipse(n, CELL_SCALE);
  const mean = Math.sqrt(n.radiusX * n.radiusY) * CELL_SCALE;
  const { x0, x1, y0, y1 } = bounds(n.x, n.y, Math.max(n.radiusX, n.radiusY) * CELL_SCALE + CELL_EDGE, width, height);
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
 * (Background + signal) × the flat field, then shot noise (σ = √photons, from a pre-drawn normal table) and read
 * noise, quantised and clipped. One pass per channel: this loop is a large part of the rendering time.
 */
function expose(
  signal: Float32Array,
  light: Illumination,
  readNoise: number,
  random: Random,
  width: number,
  height: number,
  bitDepth: BitDepth,
): Pixels {
  const out = bitDepth === 8 ? new Uint8Array(signal.length) : new Uint16Array(signal.length);
  const max = bitDepth === 8 ? 255 : 65535;
  const photonScale = bitDepth === 8 ? 1 / 16 : 1;
  const readVariance = readNoise * readNoise;
  const { level, gx, gy, vignette } = light;
  const columnTerm = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const u = x / width - 0.5;
    columnTerm[x] = gx * u - vignette * u * u;
  }
  const table = NORMAL_TABLE;
  let state = random.uint32() | 1;
  for (let y = 0; y < height; y++) {
    const v = y / height - 0.5;
    const rowTerm = 1 + gy * v - vignette * v * v;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const p = (level + signal[row + x]!) * (rowTerm + columnTerm[x]!);
      // (v + 0.5) | 0 rounds (and clamps below to 0); several times faster than Math.round + Math.min/max here.
      const q = ((p + Math.sqrt(p + readVariance) * table[state & NORMAL_TABLE_MASK]!) * photonScale + 0.5) | 0;
      out[row + x] = Math.min(Math.max(q, 0), max);
    }
  }
  return out;
}

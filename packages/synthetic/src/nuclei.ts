import { SyntheticError } from './errors.js';
import type { Random } from './random.js';

/** One term of a nucleus outline: the boundary radius is scaled by 1 + Σ amplitude·cos(order·θ + phase). */
export interface Harmonic {
  order: number;
  amplitude: number;
  phase: number;
}

/** One ground-truth nucleus: an (optionally irregular) ellipse in pixel coordinates plus its signal per channel. */
export interface Nucleus {
  x: number;
  y: number;
  radiusX: number;
  radiusY: number;
  /** Rotation of the X axis, radians. */
  angle: number;
  /** Peak DNA-channel signal, photons. */
  brightness: number;
  /** Second-stain signal of the cell around the nucleus, photons. */
  stain: number;
  /** Low-order bumps and dents of the outline, in the nucleus's own frame; absent: a plain ellipse. */
  outline?: Harmonic[];
  /** Index of a nucleus this one touches (nuclei of a clump are separate objects in the ground truth). */
  touches?: number;
}

export interface PlacementOptions {
  width: number;
  height: number;
  count: number;
  /** Typical (median) nucleus radius in pixels; radii are lognormal around it. */
  meanRadius: number;
  /** Standard deviation of ln(radius). */
  radiusSpread: number;
  /** Radii outside this range are drawn again. */
  radius: readonly [number, number];
  /** Fraction of nuclei in touching clumps (pairs and small chains). */
  touchingFraction: number;
  /** Median peak DNA signal (photons) and mean per-cell second-stain signal. */
  brightness: number;
  /** Standard deviation of ln(brightness); brightness is cut at ±2.2 σ (σ = 0.5: a 9× range, 5× between 5–95 %). */
  brightnessSpread: number;
  stain: number;
  /** Largest outline harmonic amplitude (0: plain ellipses). */
  irregularity: number;
}

/** Clearance between nuclei that do not touch: their blurred edges must not meet. */
const GAP = 4;
const MAX_TRIES_PER_NUCLEUS = 400;
const BRIGHTNESS_CUT = 2.2;
/** Touching nuclei press into each other by up to this fraction of the smaller radius (a shared flat boundary). */
const MAX_OVERLAP = 0.15;
/** Chance that a touching nucleus joins an existing clump rather than starting one from a single nucleus. */
const GROW_CLUMP = 0.4;

/** The outline's radius factor at polar angle `theta` of the nucleus's normalised frame. */
export function outlineFactor(n: Nucleus, theta: number): number {
  let f = 1;
  for (const h of n.outline ?? []) f += h.amplitude * Math.cos(h.order * theta + h.phase);
  return f;
}

/** Distance from the centre to the boundary along world direction `phi` (radians). */
export function radiusAlong(n: Nucleus, phi: number): number {
  const u = Math.cos(phi - n.angle) / n.radiusX;
  const v = Math.sin(phi - n.angle) / n.radiusY;
  return outlineFactor(n, Math.atan2(v, u)) / Math.sqrt(u * u + v * v);
}

/** Radius of a circle around the centre that holds the whole nucleus. */
export function extent(n: Nucleus): number {
  let bumps = 1;
  for (const h of n.outline ?? []) bumps += Math.abs(h.amplitude);
  return Math.max(n.radiusX, n.radiusY) * bumps;
}

function clearOfOthers(nuclei: Nucleus[], candidate: Nucleus, except: number): boolean {
  for (let i = 0; i < nuclei.length; i++) {
    if (i === except) continue;
    const other = nuclei[i]!;
    const min = extent(other) + extent(candidate) + GAP;
    const dx = other.x - candidate.x;
    const dy = other.y - candidate.y;
    if (dx * dx + dy * dy < min * min) return false;
  }
  return true;
}

function insideField(n: Nucleus, width: number, height: number): boolean {
  const r = extent(n) + 2;
  return n.x >= r && n.y >= r && n.x <= width - r && n.y <= height - r;
}

function drawRadius(random: Random, opts: PlacementOptions): number {
  for (let tries = 0; tries < 20; tries++) {
    const r = opts.meanRadius * Math.exp(opts.radiusSpread * random.normal());
    if (r >= opts.radius[0] && r <= opts.radius[1]) return r;
  }
  return Math.min(Math.max(opts.meanRadius, opts.radius[0]), opts.radius[1]);
}

function shape(random: Random, opts: PlacementOptions): Nucleus {
  const r = drawRadius(random, opts);
  const elongation = random.uniform(1, 1.4);
  // Brightness varies several-fold between cells of one field; the second stain follows it partly, so the
  // channels correlate as in real cells.
  const z = Math.min(Math.max(random.normal(), -BRIGHTNESS_CUT), BRIGHTNESS_CUT);
  const outline: Harmonic[] = [];
  if (opts.irregularity > 0) {
    for (let order = 2; order <= 4; order++) {
      outline.push({
        order,
        amplitude: (opts.irregularity * random.uniform(0, 1)) / (order - 1),
        phase: random.uniform(0, 2 * Math.PI),
      });
    }
  }
  return {
    x: 0,
    y: 0,
    radiusX: r * elongation,
    radiusY: r / elongation,
    angle: random.uniform(0, Math.PI),
    brightness: opts.brightness * Math.exp(opts.brightnessSpread * z),
    stain: opts.stain * Math.exp(0.3 * opts.brightnessSpread * z) * random.uniform(0.85, 1.15),
    ...(outline.length > 0 ? { outline } : {}),
  };
}

/**
 * Places `count` nuclei that lie wholly inside the field: most apart from every other, and about
 * `touchingFraction` of them in clumps — each added nucleus pressed against one already placed (a single, or a
 * member of a clump), its outline meeting the partner's along the line between their centres.
 */
export function placeNuclei(random: Random, opts: PlacementOptions): Nucleus[] {
  const attached = Math.min(Math.floor(opts.count / 2), Math.round((opts.count * opts.touchingFraction) / 2));
  const singles = opts.count - attached;
  const nuclei: Nucleus[] = [];
  let budget = opts.count * MAX_TRIES_PER_NUCLEUS;
  const spend = () => {
    if (--budget < 0) {
      throw new SyntheticError(
        `cannot place ${opts.count} nuclei of radius ~${opts.meanRadius.toFixed(1)} px in a ${opts.width}×${opts.height} field`,
        'synthetic_field_too_crowded',
      );
    }
  };
  while (nuclei.length < singles) {
    spend();
    const n = shape(random, opts);
    n.x = random.uniform(0, opts.width);
    n.y = random.uniform(0, opts.height);
    if (insideField(n, opts.width, opts.height) && clearOfOthers(nuclei, n, -1)) nuclei.push(n);
  }
  const clumped: number[] = [];
  while (nuclei.length < opts.count) {
    spend();
    const grow = clumped.length > 0 && random.next() < GROW_CLUMP;
    const partnerIndex = grow
      ? clumped[Math.floor(random.next() * clumped.length)]!
      : Math.floor(random.next() * singles);
    const partner = nuclei[partnerIndex]!;
    if (!grow && partner.touches !== undefined) continue;
    const n = shape(random, opts);
    const phi = random.uniform(0, 2 * Math.PI);
    const overlap = MAX_OVERLAP * random.next() * Math.min(partner.radiusY, n.radiusY);
    const distance = radiusAlong(partner, phi) + radiusAlong(n, phi + Math.PI) - overlap;
    n.x = partner.x + distance * Math.cos(phi);
    n.y = partner.y + distance * Math.sin(phi);
    if (!insideField(n, opts.width, opts.height) || !clearOfOthers(nuclei, n, partnerIndex)) continue;
    n.touches = partnerIndex;
    if (partner.touches === undefined) {
      partner.touches = nuclei.length;
      clumped.push(partnerIndex);
    }
    clumped.push(nuclei.length);
    nuclei.push(n);
  }
  return nuclei;
}

import { SyntheticError } from './errors.js';
import type { Random } from './random.js';

/** One ground-truth nucleus: an ellipse in pixel coordinates plus how bright it is in each channel. */
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
  /** Index of the nucleus this one touches (touching pairs are separate objects in the ground truth). */
  touches?: number;
}

export interface PlacementOptions {
  width: number;
  height: number;
  count: number;
  /** Nucleus radius range in pixels. */
  radius: readonly [number, number];
  /** Fraction of nuclei that are one half of a touching pair. */
  touchingFraction: number;
  /** Mean peak DNA signal (photons) and mean per-cell second-stain signal. */
  brightness: number;
  stain: number;
}

/** Clearance between non-touching nuclei: their blurred edges must not meet. */
const GAP = 4;
const MAX_TRIES_PER_NUCLEUS = 400;

/** Radius of an ellipse along direction `phi` (radians). */
function radiusAlong(n: Nucleus, phi: number): number {
  const c = Math.cos(phi - n.angle) / n.radiusX;
  const s = Math.sin(phi - n.angle) / n.radiusY;
  return 1 / Math.sqrt(c * c + s * s);
}

function extent(n: Nucleus): number {
  return Math.max(n.radiusX, n.radiusY);
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

function shape(random: Random, opts: PlacementOptions): Nucleus {
  const r = random.uniform(opts.radius[0], opts.radius[1]);
  const elongation = random.uniform(1, 1.35);
  // Brightness varies per cell; the second stain follows it partly, so the channels correlate as in real cells.
  const relative = random.uniform(0.6, 1.4);
  return {
    x: 0,
    y: 0,
    radiusX: r * elongation,
    radiusY: r / elongation,
    angle: random.uniform(0, Math.PI),
    brightness: opts.brightness * relative,
    stain: opts.stain * (0.5 + 0.5 * relative) * random.uniform(0.85, 1.15),
  };
}

/**
 * Places `count` nuclei that lie wholly inside the field: most are apart from every other, and
 * `touchingFraction` of them come as pairs whose ellipses meet along the line between their centres.
 */
export function placeNuclei(random: Random, opts: PlacementOptions): Nucleus[] {
  const pairs = Math.min(Math.floor(opts.count / 2), Math.round((opts.count * opts.touchingFraction) / 2));
  const singles = opts.count - pairs;
  const nuclei: Nucleus[] = [];
  let budget = opts.count * MAX_TRIES_PER_NUCLEUS;
  const spend = () => {
    if (--budget < 0) {
      throw new SyntheticError(
        `cannot place ${opts.count} nuclei of radius ${opts.radius.join('–')} px in a ${opts.width}×${opts.height} field`,
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
  let placedPairs = 0;
  while (placedPairs < pairs) {
    spend();
    const partnerIndex = Math.floor(random.next() * singles);
    const partner = nuclei[partnerIndex]!;
    if (partner.touches !== undefined) continue;
    const n = shape(random, opts);
    const phi = random.uniform(0, 2 * Math.PI);
    const distance = radiusAlong(partner, phi) + radiusAlong(n, phi + Math.PI);
    n.x = partner.x + distance * Math.cos(phi);
    n.y = partner.y + distance * Math.sin(phi);
    if (!insideField(n, opts.width, opts.height) || !clearOfOthers(nuclei, n, partnerIndex)) continue;
    n.touches = partnerIndex;
    partner.touches = nuclei.length;
    nuclei.push(n);
    placedPairs++;
  }
  return nuclei;
}

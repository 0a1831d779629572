import jstat from 'jstat';
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { inverse, Matrix } from 'ml-matrix';
import { mean } from './descriptive.js';
import { WellMeansTable } from './well-means.js';
import type { WellMeans } from './wells.js';

/** params: [bottom, top, log10 EC50, hill]; response = bottom + (top − bottom) / (1 + 10^(hill·(log10 x − log10 EC50))). */
type Params = [number, number, number, number];

export interface DosePoint {
  dose: number;
  response: number;
}

export interface LogLogisticFit {
  n: number;
  doses: number;
  ec50: number | null;
  ec50CiLow: number | null;
  ec50CiHigh: number | null;
  logEc50: number | null;
  logEc50Se: number | null;
  hill: number | null;
  top: number | null;
  bottom: number | null;
  r2: number | null;
  converged: boolean;
  error: string | null;
}

const LN10 = Math.log(10);
const MAX_ITERATIONS = 100;
/** Converged: a further Gauss–Newton step would move no parameter by more than this (relative). */
const STEP_TOLERANCE = 1e-4;
const MIN_DOSES = 4;
/** Gauss–Newton steps after Levenberg–Marquardt at most (each one point per dose: cheap). */
const MAX_POLISH_STEPS = 20;

/** The model of one parameter vector, over log10 dose. */
const model =
  ([bottom, top, logEc50, hill]: number[]) =>
  (logDose: number) =>
    bottom! + (top! - bottom!) / (1 + 10 ** (hill! * (logDose - logEc50!)));

/** ∂response/∂[bottom, top, logEC50, hill]: exact, so the optimiser and the covariance need no finite differences. */
const jacobian =
  ([bottom, top, logEc50, hill]: number[]) =>
  (logDose: number) => {
    const u = 10 ** (hill! * (logDose - logEc50!));
    const d = 1 + u;
    const span = top! - bottom!;
    return [1 - 1 / d, 1 / d, (span * u * hill! * LN10) / (d * d), (-span * u * LN10 * (logDose - logEc50!)) / (d * d)];
  };

/** One row per distinct log dose (ascending): how many wells, their mean, and the sum of squares within doses. */
function byDose(x: number[], y: number[]) {
  const sums = new Map<number, [n: number, sum: number]>();
  x.forEach((xi, i) => {
    const acc = sums.get(xi) ?? [0, 0];
    acc[0] += 1;
    acc[1] += y[i]!;
    sums.set(xi, acc);
  });
  const doses = [...sums.keys()].sort((a, b) => a - b);
  const n = doses.map((d) => sums.get(d)![0]);
  const means = doses.map((d) => sums.get(d)![1] / sums.get(d)![0]);
  const meanOf = new Map(doses.map((d, i) => [d, means[i]!]));
  const within = x.reduce((s, xi, i) => s + (y[i]! - meanOf.get(xi)!) ** 2, 0);
  return { x: doses, n, mean: means, within };
}

type DoseGroups = ReturnType<typeof byDose>;

/** Starting points from the dose means (ascending doses): plateaus at both ends, EC50 where the half crosses. */
function initialGuesses(doses: number[], means: number[]): Params[] {
  const top = means[0]!;
  const bottom = means[means.length - 1]!;
  const half = (top + bottom) / 2;
  let logEc50 = (doses[0]! + doses[doses.length - 1]!) / 2;
  for (let i = 1; i < doses.length; i++) {
    const a = means[i - 1]! - half;
    const b = means[i]! - half;
    if (a === 0 || a * b < 0) {
      logEc50 = doses[i - 1]! + ((doses[i]! - doses[i - 1]!) * a) / (a - b || 1);
      break;
    }
  }
  return [0.5, 1, 2].map((hill): Params => [bottom, top, logEc50, hill]);
}

/** Σ over every well of the squared residual, from the dose rows: n·(mean − f)² per dose plus the within-dose part. */
const sseOf = (g: DoseGroups, params: number[]) => {
  const f = model(params);
  return g.within + g.x.reduce((s, xi, i) => s + g.n[i]! * (g.mean[i]! - f(xi)) ** 2, 0);
};

/**
 * The normal equations over every well at `params`: (JᵀJ)⁻¹ and the Gauss–Newton step (JᵀJ)⁻¹Jᵀr, from the dose
 * rows scaled by √n (each well of a dose has the same Jacobian row). Throws on a singular JᵀJ.
 */
function gaussNewton(g: DoseGroups, params: number[]) {
  const root = g.n.map(Math.sqrt);
  const J = new Matrix(g.x.map((xi, i) => jacobian(params)(xi).map((v) => v * root[i]!)));
  const f = model(params);
  const residuals = Matrix.columnVector(g.mean.map((m, i) => root[i]! * (m - f(g.x[i]!))));
  const inverseNormal = inverse(J.transpose().mmul(J));
  return { inverseNormal, step: inverseNormal.mmul(J.transpose()).mmul(residuals).to1DArray() };
}

const negligible = (step: number[], params: number[]) =>
  step.every((d, i) => Math.abs(d) <= STEP_TOLERANCE * (Math.abs(params[i]!) + 1e-3));

/**
 * Gauss–Newton steps from the Levenberg–Marquardt result while they lower the SSE, until the step is
 * negligible: ml-levenberg-marquardt also stops when the dose means are fitted to its error tolerance, which
 * (with as many doses as parameters) can be short of the stationary point.
 */
function polish(g: DoseGroups, start: number[], sse: number, bounds: { min: number[]; max: number[] }) {
  let params = start;
  for (let i = 0; i < MAX_POLISH_STEPS; i++) {
    let step: number[];
    try {
      step = gaussNewton(g, params).step;
    } catch {
      break;
    }
    if (negligible(step, params)) break;
    const next = params.map((p, k) => Math.min(Math.max(bounds.min[k]!, p + step[k]!), bounds.max[k]!));
    const nextSse = sseOf(g, next);
    if (!(nextSse <= sse)) break;
    params = next;
    sse = nextSse;
  }
  return { params, sse };
}

/**
 * Fits a 4-parameter log-logistic curve by Levenberg–Marquardt (ml-levenberg-marquardt) from a few starts and
 * keeps the best. Least squares over every well equals least squares over the dose means weighted by their well
 * counts plus the within-dose sum of squares (a constant), so the fit runs on one point per dose whatever the
 * replicates; Gauss–Newton steps then take it to the stationary point. EC50's 95% CI comes from the covariance
 * s²(JᵀJ)⁻¹ of log10 EC50 over every well with a t quantile (n − 4 df). Decreasing and increasing responses are
 * both fitted with hill > 0: top is the response at low dose.
 */
export function fitLogLogistic(points: DosePoint[]): LogLogisticFit {
  const usable = points.filter((p) => p.dose > 0 && Number.isFinite(p.dose) && Number.isFinite(p.response));
  const x = usable.map((p) => Math.log10(p.dose));
  const y = usable.map((p) => p.response);
  const group = byDose(x, y);
  const doses = group.x.length;
  const empty = {
    n: usable.length,
    doses,
    ec50: null,
    ec50CiLow: null,
    ec50CiHigh: null,
    logEc50: null,
    logEc50Se: null,
    hill: null,
    top: null,
    bottom: null,
    r2: null,
  };
  if (doses < MIN_DOSES || usable.length <= 4) {
    return { ...empty, converged: false, error: `needs ≥ ${MIN_DOSES} distinct positive doses and > 4 wells` };
  }
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const v of y) {
    minY = Math.min(minY, v);
    maxY = Math.max(maxY, v);
  }
  const spanY = maxY - minY || Math.abs(maxY) || 1;
  const minX = group.x[0]!;
  const maxX = group.x[doses - 1]!;
  const bounds = { min: [minY - spanY, minY - spanY, minX - 3, 0.05], max: [maxY + spanY, maxY + spanY, maxX + 3, 20] };
  const weights = group.n.map((n) => 1 / Math.sqrt(n));

  let best: { params: number[]; sse: number } | undefined;
  for (const initialValues of initialGuesses(group.x, group.mean)) {
    const result = levenbergMarquardt({ x: group.x, y: group.mean }, model, {
      initialValues,
      jacobianFunction: jacobian,
      minValues: bounds.min,
      maxValues: bounds.max,
      maxIterations: MAX_ITERATIONS,
      errorTolerance: 1e-12,
      improvementThreshold: 1e-6,
      weights,
    });
    const sse = sseOf(group, result.parameterValues);
    if (result.parameterValues.every(Number.isFinite) && (!best || sse < best.sse)) {
      best = { params: result.parameterValues, sse };
    }
  }
  if (!best) return { ...empty, converged: false, error: 'the fit diverged' };
  best = polish(group, best.params, best.sse, bounds);

  const [bottom, top, logEc50, hill] = best.params as Params;
  const yMean = mean(y)!;
  const sst = y.reduce((s, yi) => s + (yi - yMean) ** 2, 0);
  const dof = usable.length - 4;
  let logEc50Se: number | null = null;
  let converged = false;
  try {
    const { inverseNormal, step } = gaussNewton(group, best.params);
    const variance = inverseNormal.get(2, 2) * (best.sse / dof);
    logEc50Se = variance >= 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
    // ml-levenberg-marquardt stops only on an absolute error or the iteration cap, so convergence is judged
    // here: the fit is a stationary point when the next Gauss–Newton step is negligible.
    converged = negligible(step, best.params);
  } catch {
    // A singular JᵀJ (e.g. a flat response) leaves EC50 without a confidence interval.
  }
  const t = jstat.jStat.studentt.inv(0.975, dof);
  return {
    n: usable.length,
    doses,
    ec50: finiteOrNull(10 ** logEc50),
    // A bound beyond floating point (an almost flat curve) is no bound at all: stored as null, never Infinity,
    // which neither JSON nor downstream readers of the table can represent.
    ec50CiLow: logEc50Se === null ? null : finiteOrNull(10 ** (logEc50 - t * logEc50Se)),
    ec50CiHigh: logEc50Se === null ? null : finiteOrNull(10 ** (logEc50 + t * logEc50Se)),
    logEc50,
    logEc50Se,
    hill,
    top,
    bottom,
    r2: sst > 0 ? 1 - best.sse / sst : null,
    converged,
    error: null,
  };
}

export interface DoseResponseFit extends LogLogisticFit {
  treatment: string;
  feature: string;
  unit: string;
}

/** One fit per treatment (its sample wells with a positive dose) and feature. */
export function fitDoseResponses(wells: WellMeans[] | WellMeansTable): DoseResponseFit[] {
  const table = WellMeansTable.of(wells);
  const byTreatment = new Map<string, number[]>();
  for (let i = 0; i < table.size; i++) {
    const w = table.condition(i);
    if (w.role !== 'sample' || w.treatment === null || w.dose === null || w.dose <= 0) continue;
    const group = byTreatment.get(w.treatment);
    if (group) group.push(i);
    else byTreatment.set(w.treatment, [i]);
  }
  const fits: DoseResponseFit[] = [];
  for (const [treatment, group] of [...byTreatment].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const feature of table.featureNames(group)) {
      const points: DosePoint[] = [];
      for (const i of group) {
        const response = table.value(i, feature);
        if (response !== undefined) points.push({ dose: table.condition(i).dose!, response });
      }
      fits.push({ treatment, feature, unit: table.condition(group[0]!).unit ?? '', ...fitLogLogistic(points) });
    }
  }
  return fits;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

import jstat from 'jstat';
import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { inverse, Matrix } from 'ml-matrix';
import { mean } from './descriptive.js';
import type { WellSummary } from './wells.js';

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

function initialGuesses(x: number[], y: number[]): Params[] {
  const doses = [...new Set(x)].sort((a, b) => a - b);
  const means = doses.map((d) => mean(y.filter((_, i) => x[i] === d))!);
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

/**
 * Fits a 4-parameter log-logistic curve by Levenberg–Marquardt (ml-levenberg-marquardt) from a few starts and
 * keeps the best. EC50's 95% CI comes from the covariance s²(JᵀJ)⁻¹ of log10 EC50 with a t quantile (n − 4 df).
 * Decreasing and increasing responses are both fitted with hill > 0: top is the response at low dose.
 */
export function fitLogLogistic(points: DosePoint[]): LogLogisticFit {
  const usable = points.filter((p) => p.dose > 0 && Number.isFinite(p.dose) && Number.isFinite(p.response));
  const x = usable.map((p) => Math.log10(p.dose));
  const y = usable.map((p) => p.response);
  const doses = new Set(x).size;
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
  const minY = Math.min(...y);
  const maxY = Math.max(...y);
  const spanY = maxY - minY || Math.abs(maxY) || 1;
  const minX = Math.min(...x);
  const maxX = Math.max(...x);

  let best: { params: number[]; sse: number } | undefined;
  for (const initialValues of initialGuesses(x, y)) {
    const result = levenbergMarquardt({ x, y }, model, {
      initialValues,
      jacobianFunction: jacobian,
      minValues: [minY - spanY, minY - spanY, minX - 3, 0.05],
      maxValues: [maxY + spanY, maxY + spanY, maxX + 3, 20],
      maxIterations: MAX_ITERATIONS,
      errorTolerance: 1e-12,
      improvementThreshold: 1e-6,
    });
    const f = model(result.parameterValues);
    const sse = y.reduce((s, yi, i) => s + (yi - f(x[i]!)) ** 2, 0);
    if (result.parameterValues.every(Number.isFinite) && (!best || sse < best.sse)) {
      best = { params: result.parameterValues, sse };
    }
  }
  if (!best) return { ...empty, converged: false, error: 'the fit diverged' };

  const [bottom, top, logEc50, hill] = best.params as Params;
  const yMean = mean(y)!;
  const sst = y.reduce((s, yi) => s + (yi - yMean) ** 2, 0);
  const dof = usable.length - 4;
  const J = new Matrix(x.map((xi) => jacobian(best.params)(xi)));
  const f = model(best.params);
  const residuals = Matrix.columnVector(y.map((yi, i) => yi - f(x[i]!)));
  let logEc50Se: number | null = null;
  let converged = false;
  try {
    const inverseNormal = inverse(J.transpose().mmul(J));
    const variance = inverseNormal.get(2, 2) * (best.sse / dof);
    logEc50Se = variance >= 0 && Number.isFinite(variance) ? Math.sqrt(variance) : null;
    // ml-levenberg-marquardt stops only on an absolute error or the iteration cap, so convergence is judged
    // here: the fit is a stationary point when the next Gauss–Newton step is negligible.
    const step = inverseNormal.mmul(J.transpose()).mmul(residuals).to1DArray();
    converged = step.every((d, i) => Math.abs(d) <= STEP_TOLERANCE * (Math.abs(best.params[i]!) + 1e-3));
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
export function fitDoseResponses(wells: WellSummary[]): DoseResponseFit[] {
  const byTreatment = new Map<string, WellSummary[]>();
  for (const w of wells) {
    if (w.role !== 'sample' || w.treatment === null || w.dose === null || w.dose <= 0) continue;
    byTreatment.set(w.treatment, [...(byTreatment.get(w.treatment) ?? []), w]);
  }
  const fits: DoseResponseFit[] = [];
  for (const [treatment, group] of [...byTreatment].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const features = [...new Set(group.flatMap((w) => Object.keys(w.features)))].sort();
    for (const feature of features) {
      const points = group.flatMap((w) =>
        feature in w.features ? [{ dose: w.dose!, response: w.features[feature]! }] : [],
      );
      fits.push({ treatment, feature, unit: group[0]!.unit ?? '', ...fitLogLogistic(points) });
    }
  }
  return fits;
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

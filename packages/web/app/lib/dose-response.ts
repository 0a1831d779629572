/** The 4-parameter log-logistic the aggregator fits: bottom + (top − bottom) / (1 + (dose / EC50)^hill). */
export function logLogistic(dose: number, fit: { ec50: number; hill: number; top: number; bottom: number }): number {
  return fit.bottom + (fit.top - fit.bottom) / (1 + (dose / fit.ec50) ** fit.hill);
}

/** `n` doses evenly spaced in log10 between lo and hi (both > 0), for drawing the fitted curve. */
export function logSpace(lo: number, hi: number, n: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: n }, (_, i) => 10 ** (a + ((b - a) * i) / (n - 1)));
}

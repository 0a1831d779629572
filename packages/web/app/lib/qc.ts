/** One feature's Z′ on one plate, as GET /v1/jobs/{id}/results?level=plate reports it. */
export interface FeatureZPrime {
  feature: string;
  zPrime: number | null;
}

/** Z′ ≥ 0.5: an excellent assay window (Zhang, Chung & Oldenburg 1999); 0–0.5 marginal; ≤ 0 the controls overlap. */
export function assessZPrime(z: number | null): string {
  if (z === null) return '–';
  return z >= 0.5 ? 'excellent' : z > 0 ? 'marginal' : 'unusable';
}

/**
 * Features that separate the controls (Z′ > 0), best first, and the rest. Z′ is computed for every feature, and
 * most shape features do not separate a cytotoxic control from DMSO: listed first they would bury the few that do.
 */
export function rankByZPrime<T extends FeatureZPrime>(rows: readonly T[]): { separating: T[]; others: T[] } {
  const sorted = [...rows].sort((a, b) => (b.zPrime ?? -Infinity) - (a.zPrime ?? -Infinity));
  return {
    separating: sorted.filter((r) => r.zPrime !== null && r.zPrime > 0),
    others: sorted.filter((r) => r.zPrime === null || r.zPrime <= 0),
  };
}

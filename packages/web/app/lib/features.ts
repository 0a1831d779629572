import type { ScaleKind } from './colour.js';

/** What the heatmap can colour wells by; `value` reads it from a well row (undefined = not measured). */
export interface Feature {
  id: string;
  label: string;
  kind: ScaleKind;
  value(row: WellMeasures): number | undefined;
}

/** The parts of a well result the features read (kept structural so the catalogue is testable in Node). */
export interface WellMeasures {
  cellCount: number;
  meanArea: number | null;
  meanIntensity: Record<string, number> | null;
  features: Record<string, number> | null;
  robustZ?: Record<string, number> | null;
}

const finite = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Cell count and mean area first, then every intensity channel, robust z and extra feature seen in the rows. */
export function featureCatalogue(rows: WellMeasures[]): Feature[] {
  const out: Feature[] = [
    { id: 'cellCount', label: 'Cell count', kind: 'sequential', value: (r) => finite(r.cellCount) },
    { id: 'meanArea', label: 'Mean area (px²)', kind: 'sequential', value: (r) => finite(r.meanArea) },
  ];
  const channels = new Set(rows.flatMap((r) => Object.keys(r.meanIntensity ?? {})));
  for (const c of [...channels].sort()) {
    out.push({
      id: `intensity:${c}`,
      label: `Mean intensity ${c}`,
      kind: 'sequential',
      value: (r) => finite(r.meanIntensity?.[c]),
    });
  }
  const zs = new Set(rows.flatMap((r) => Object.keys(r.robustZ ?? {})));
  for (const f of [...zs].sort()) {
    out.push({ id: `robustZ:${f}`, label: `Robust z ${f}`, kind: 'diverging', value: (r) => finite(r.robustZ?.[f]) });
  }
  const extra = new Set(rows.flatMap((r) => Object.keys(r.features ?? {})));
  for (const f of [...extra].sort()) {
    out.push({ id: `feature:${f}`, label: f, kind: 'sequential', value: (r) => finite(r.features?.[f]) });
  }
  return out;
}

import { allWells, parseWell } from '@platescale/shared';
import { SyntheticError } from './errors.js';

export type WellRole = 'negative_control' | 'positive_control' | 'sample';

/** A 4-parameter log-logistic curve: response = bottom + (top − bottom) / (1 + (dose / ec50)^hill). */
export interface LogLogistic {
  top: number;
  bottom: number;
  ec50: number;
  hill: number;
}

export interface TreatmentTruth extends LogLogistic {
  treatment: string;
  unit: string;
  /** Plate rows (letters) that carry this treatment's dose series. */
  rows: string[];
}

/** What one well holds and what the truth says it should show. */
export interface WellDesign {
  well: string;
  treatment: string;
  dose: number;
  unit: string;
  role: WellRole;
  /** Expected nuclei per field. */
  expectedCount: number;
  /** Second-stain level per cell relative to the negative control. */
  stainLevel: number;
}

export interface PlateDesign {
  plateFormat: 96;
  /** The dose of columns 2–11, ascending. */
  doses: number[];
  treatments: TreatmentTruth[];
  wells: WellDesign[];
}

export interface DesignOptions {
  /** Nuclei per field in the negative controls (curve top) and positive controls (curve bottom). */
  top?: number;
  bottom?: number;
  /** Highest dose (column 11); each column to the left is `dilution` times lower. */
  maxDose?: number;
  dilution?: number;
  unit?: string;
  treatments?: { treatment: string; ec50: number; hill: number; rows: string[] }[];
}

export const NEGATIVE_CONTROL = 'DMSO';
export const POSITIVE_CONTROL = 'staurosporine';

export const DEFAULT_TREATMENTS = [
  { treatment: 'compoundA', ec50: 0.1, hill: 1.2, rows: ['A', 'B', 'C', 'D'] },
  { treatment: 'compoundB', ec50: 1.5, hill: 1.5, rows: ['E', 'F', 'G', 'H'] },
];

export function logLogistic(dose: number, curve: LogLogistic): number {
  if (dose <= 0) return curve.top;
  return curve.bottom + (curve.top - curve.bottom) / (1 + (dose / curve.ec50) ** curve.hill);
}

/** The second stain rises as cells respond: 1 at no effect, 2.5 at full effect. */
function stainFor(count: number, top: number, bottom: number): number {
  return 1 + 1.5 * ((top - count) / (top - bottom));
}

/**
 * The 96-well layout: column 1 negative controls (DMSO), column 12 positive controls (staurosporine),
 * columns 2–11 a 10-point dose series ascending left to right; rows A–D compoundA, E–H compoundB.
 */
export function designPlate(opts: DesignOptions = {}): PlateDesign {
  const top = opts.top ?? 100;
  const bottom = opts.bottom ?? 20;
  const maxDose = opts.maxDose ?? 30;
  const dilution = opts.dilution ?? 3;
  const unit = opts.unit ?? 'uM';
  const doses = Array.from({ length: 10 }, (_, i) => maxDose / dilution ** (9 - i));
  const treatments: TreatmentTruth[] = (opts.treatments ?? DEFAULT_TREATMENTS).map((t) => ({
    ...t,
    top,
    bottom,
    unit,
  }));
  const byRow = new Map(treatments.flatMap((t) => t.rows.map((row) => [row, t] as const)));
  const wells = allWells(96).map((well): WellDesign => {
    const { column } = parseWell(well);
    if (column === 0) {
      return {
        well,
        treatment: NEGATIVE_CONTROL,
        dose: 0,
        unit,
        role: 'negative_control',
        expectedCount: top,
        stainLevel: 1,
      };
    }
    if (column === 11) {
      const stainLevel = stainFor(bottom, top, bottom);
      return {
        well,
        treatment: POSITIVE_CONTROL,
        dose: 1,
        unit,
        role: 'positive_control',
        expectedCount: bottom,
        stainLevel,
      };
    }
    const curve = byRow.get(well.replace(/\d+$/, ''));
    if (!curve) throw new SyntheticError(`no treatment covers the row of well ${well}`);
    const dose = doses[column - 1]!;
    const expectedCount = logLogistic(dose, curve);
    return {
      well,
      treatment: curve.treatment,
      dose,
      unit,
      role: 'sample',
      expectedCount,
      stainLevel: stainFor(expectedCount, top, bottom),
    };
  });
  return { plateFormat: 96, doses, treatments, wells };
}

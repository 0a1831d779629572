import { csvCellText, type PlateFormat, parseWell, wellFitsPlate } from '@platescale/shared';
import { parse as parseCsv } from 'csv-parse/sync';
import { PlateMapValidationError } from '../errors.js';

export const WELL_ROLES = ['negative_control', 'positive_control', 'sample'] as const;
export type WellRole = (typeof WELL_ROLES)[number];

/** One row of an experiment's plate map. `plate` '' applies to every plate of the experiment. */
export interface PlateMapEntry {
  plate: string;
  well: string;
  treatment: string;
  dose: number | null;
  unit: string | null;
  role: WellRole;
  metadata: Record<string, string | number | boolean | null>;
}

const KNOWN = new Set(['plate', 'well', 'treatment', 'dose', 'unit', 'role']);

type Row = Record<string, unknown>;

function rowsOf(body: string | unknown, format: 'csv' | 'json'): Row[] {
  if (format === 'csv') {
    try {
      return parseCsv(String(body), {
        // An export of ours (GET …/plate-map as CSV) uploads as what it says: neutralised formula starts read back.
        columns: (header: string[]) => header.map((h) => csvCellText(h.trim())),
        cast: (value: string) => csvCellText(value),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Row[];
    } catch (err) {
      throw new PlateMapValidationError({
        unknownWells: [],
        duplicateWells: [],
        outsideWells: [],
        invalidRows: [`not valid CSV: ${(err as Error).message}`],
      });
    }
  }
  const value = typeof body === 'string' ? JSON.parse(body) : body;
  const rows = Array.isArray(value) ? value : (value as { wells?: unknown })?.wells;
  if (!Array.isArray(rows) || rows.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) {
    throw new PlateMapValidationError({
      unknownWells: [],
      duplicateWells: [],
      outsideWells: [],
      invalidRows: ['a JSON plate map is an array of well objects (or {"wells": [...]})'],
    });
  }
  return rows as Row[];
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

/**
 * Parses and validates a plate map (CSV with a header row, or JSON): columns well, treatment, dose, unit, role,
 * optional plate, and any further metadata columns. Every problem is collected; one PlateMapValidationError
 * (HTTP 400) names the unknown, duplicate and out-of-format wells and the invalid rows.
 */
export function parsePlateMap(
  body: string | unknown,
  opts: { format: 'csv' | 'json'; plateFormat: PlateFormat },
): PlateMapEntry[] {
  const rows = rowsOf(body, opts.format);
  const unknownWells: string[] = [];
  const duplicateWells: string[] = [];
  const outsideWells: string[] = [];
  const invalidRows: string[] = [];
  const seen = new Set<string>();
  const entries: PlateMapEntry[] = [];
  if (rows.length === 0) invalidRows.push('the plate map has no rows');

  rows.forEach((row, i) => {
    const where = `row ${i + 1}`;
    const rawWell = text(row.well);
    let well: string;
    try {
      well = parseWell(rawWell).well;
    } catch {
      unknownWells.push(rawWell || `(empty, ${where})`);
      return;
    }
    if (!wellFitsPlate(well, opts.plateFormat)) {
      outsideWells.push(rawWell);
      return;
    }
    const plate = text(row.plate);
    const id = `${plate}/${well}`;
    if (seen.has(id)) {
      duplicateWells.push(plate ? `${plate}:${well}` : well);
      return;
    }
    seen.add(id);

    const role = (text(row.role) || 'sample') as WellRole;
    if (!WELL_ROLES.includes(role))
      invalidRows.push(`${where} (${well}): role '${role}' is not one of ${WELL_ROLES.join(', ')}`);
    const treatment = text(row.treatment);
    if (!treatment) invalidRows.push(`${where} (${well}): treatment is required`);
    const rawDose = text(row.dose);
    const dose = rawDose === '' ? null : Number(rawDose);
    if (dose !== null && (!Number.isFinite(dose) || dose < 0)) {
      invalidRows.push(`${where} (${well}): dose '${rawDose}' is not a non-negative number`);
    }
    const metadata: PlateMapEntry['metadata'] = {};
    for (const [k, v] of Object.entries(row)) {
      if (KNOWN.has(k)) continue;
      metadata[k] = typeof v === 'number' || typeof v === 'boolean' || v === null ? v : text(v);
    }
    entries.push({ plate, well, treatment, dose, unit: text(row.unit) || null, role, metadata });
  });

  if (unknownWells.length + duplicateWells.length + outsideWells.length + invalidRows.length > 0) {
    throw new PlateMapValidationError({ unknownWells, duplicateWells, outsideWells, invalidRows });
  }
  return entries;
}

/** Looks a well up: a row naming the plate wins over a row for every plate (''). */
export function plateMapLookup(entries: PlateMapEntry[]): (plate: string, well: string) => PlateMapEntry | undefined {
  const index = new Map(entries.map((e) => [`${e.plate}/${e.well}`, e]));
  return (plate, well) => index.get(`${plate}/${well}`) ?? index.get(`/${well}`);
}

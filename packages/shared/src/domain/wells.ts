import { ValidationError } from '../errors.js';

export type PlateFormat = 96 | 384 | 1536;

export const PLATE_DIMENSIONS: Record<PlateFormat, { rows: number; columns: number }> = {
  96: { rows: 8, columns: 12 },
  384: { rows: 16, columns: 24 },
  1536: { rows: 32, columns: 48 },
};

const WELL = /^([A-Za-z]{1,2})0*(\d{1,2})$/;

/** Row letters → 0-based index: A=0 … Z=25, AA=26 … (1536-well plates use two letters). */
function rowIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function rowLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export interface WellPosition {
  /** Canonical id: row letters + two-digit column, e.g. A01 (A1 ≡ A01 ≡ a001). */
  well: string;
  row: number;
  column: number;
}

export function parseWell(raw: string): WellPosition {
  const m = WELL.exec(raw.trim());
  if (!m) throw new ValidationError(`'${raw}' is not a well id (expected a row letter and a column number, e.g. A01)`);
  const row = rowIndex(m[1]!);
  const column = Number(m[2]) - 1;
  if (column < 0) throw new ValidationError(`'${raw}' has column 0; plate columns start at 1`);
  return { well: wellId(row, column), row, column };
}

export function normalizeWell(raw: string): string {
  return parseWell(raw).well;
}

export function wellId(row: number, column: number): string {
  return `${rowLetters(row)}${String(column + 1).padStart(2, '0')}`;
}

export function wellFitsPlate(well: string, format: PlateFormat): boolean {
  const { row, column } = parseWell(well);
  const dims = PLATE_DIMENSIONS[format];
  return row < dims.rows && column < dims.columns;
}

export function allWells(format: PlateFormat): string[] {
  const { rows, columns } = PLATE_DIMENSIONS[format];
  const out: string[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) out.push(wellId(r, c));
  return out;
}

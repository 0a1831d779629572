/** Rows and columns of the plate formats the API accepts. */
export interface PlateGeometry {
  rows: string[];
  columns: number[];
}

export type PlateFormat = 96 | 384 | 1536;

const SIZES: Record<PlateFormat, [rows: number, columns: number]> = { 96: [8, 12], 384: [16, 24], 1536: [32, 48] };

/** A … Z, then AA, AB … (a 1536-well plate's rows run to AF). */
function rowLetters(index: number): string {
  return index < 26 ? String.fromCharCode(65 + index) : rowLetters(Math.floor(index / 26) - 1) + rowLetters(index % 26);
}

export function plateGeometry(format: PlateFormat): PlateGeometry {
  const [rows, columns] = SIZES[format];
  return {
    rows: Array.from({ length: rows }, (_, i) => rowLetters(i)),
    columns: Array.from({ length: columns }, (_, i) => i + 1),
  };
}

/** `D3`, `d03` and `D003` all name well D03: results and names from different instruments meet on one key. */
export function wellKey(well: string): string {
  const m = /^([A-Za-z]{1,2})0*(\d{1,2})$/.exec(well.trim());
  if (!m) return well;
  return `${m[1]!.toUpperCase()}${m[2]!.padStart(2, '0')}`;
}

export const wellName = (row: string, column: number) => `${row}${String(column).padStart(2, '0')}`;

/** Plate order (A01, A02 … A48, B01 … AF48) as a number; string order would put AA01 between A48 and B01. */
export function platePosition(well: string): number {
  const m = /^([A-Z]{1,2})(\d+)$/.exec(wellKey(well));
  if (!m) return Number.MAX_SAFE_INTEGER;
  const letters = m[1]!;
  const row =
    letters.length === 1 ? letters.charCodeAt(0) - 65 : 26 * (letters.charCodeAt(0) - 64) + letters.charCodeAt(1) - 65;
  return row * 1000 + Number(m[2]);
}

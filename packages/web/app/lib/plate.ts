/** Rows and columns of the plate formats the API accepts. */
export interface PlateGeometry {
  rows: string[];
  columns: number[];
}

const letters = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));
const numbers = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export function plateGeometry(format: 96 | 384): PlateGeometry {
  return format === 384 ? { rows: letters(16), columns: numbers(24) } : { rows: letters(8), columns: numbers(12) };
}

/** `D3`, `d03` and `D003` all name well D03: results and names from different instruments meet on one key. */
export function wellKey(well: string): string {
  const m = /^([A-Za-z]{1,2})0*(\d{1,2})$/.exec(well.trim());
  if (!m) return well;
  return `${m[1]!.toUpperCase()}${m[2]!.padStart(2, '0')}`;
}

export const wellName = (row: string, column: number) => `${row}${String(column).padStart(2, '0')}`;

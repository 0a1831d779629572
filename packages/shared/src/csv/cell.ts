/**
 * First characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"): `=`, `+`, `-`, `@`,
 * tab and carriage return. `=cmd|' /C calc'!A0` or `@SUM(1)` in a treatment name would run when a scientist opens
 * the export.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain negative number (`-0.5`, `-3e-7`): a spreadsheet reads it as a number, not a formula, so it stays as is. */
const NEGATIVE_NUMBER = /^-(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** Characters that make RFC 4180 quote a cell (a module constant: a literal in csvCell is a new RegExp per cell). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell, safe to open in a spreadsheet: a text that could start a formula gets a leading `'` (the cell shows
 * the text, the formula never runs), then RFC 4180 quoting (a cell with a comma, quote or line break is quoted,
 * its quotes doubled). null/undefined → empty. Every CSV the API or the CLI writes goes through here.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  // A finite number's text is digits, '.', 'e', '+' and a leading '-' of a plain negative number: nothing to
  // neutralise or quote. JSON.stringify gives the same text as String for it, but String also keeps the text in
  // V8's number-string cache, whose entries outlive young-generation collections: a streamed CSV (~60 numbers a
  // row) had them promoted at ~1 KB a row, old-space garbage that grew the API's heap by ~120 MB at 500,000 rows.
  if (typeof value === 'number' && Number.isFinite(value)) return JSON.stringify(value);
  let text = String(value);
  if (FORMULA_START.test(text) && !NEGATIVE_NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (without its line break) of cells formatted by csvCell. */
export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(',');
}

/**
 * A cell read from a CSV as the text csvCell was given: the quote that neutralised a formula start is dropped, so
 * an export (a plate map) uploaded again means what it meant.
 */
export function csvCellText(cell: string): string {
  return /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

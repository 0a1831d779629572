import { Readable } from 'node:stream';
import { csvCell, csvRow } from '@platescale/shared';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Column {
  name: string;
  get(row: Record<string, unknown>): unknown;
}

/**
 * The CSV columns of rows whose keys are `keys` (first-seen order): one per scalar field, and one per key of a
 * map-valued field named in `mapKeys` (`features.Count_Nuclei`, keys sorted).
 */
function columnsOf(keys: Iterable<string>, mapKeys: Readonly<Record<string, Iterable<string>>>): Column[] {
  return [...keys].flatMap((k) => {
    const sub = mapKeys[k];
    if (!sub) return [{ name: k, get: (r: Record<string, unknown>) => r[k] }];
    return [...sub]
      .sort()
      .map((s) => ({ name: `${k}.${s}`, get: (r: Record<string, unknown>) => (isMap(r[k]) ? r[k][s] : undefined) }));
  });
}

/**
 * Rows as CSV with a header: one column per scalar field in first-seen order, and one per key of an object-valued
 * field (`features.Count_Nuclei`, keys sorted), so spreadsheets and data frames get a flat table. No rows → ''.
 * Cells are formatted by csvRow (formula starts neutralised, RFC 4180 quoting).
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const keys = new Set<string>();
  const mapKeys: Record<string, Set<string>> = {};
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      keys.add(k);
      if (isMap(v)) {
        mapKeys[k] ??= new Set<string>();
        for (const s of Object.keys(v)) mapKeys[k].add(s);
      }
    }
  }
  const columns = columnsOf(keys, mapKeys);
  if (columns.length === 0) return '';
  const lines = [csvRow(columns.map((c) => c.name)), ...rows.map((r) => csvRow(columns.map((c) => c.get(r))))];
  return `${lines.join('\n')}\n`;
}

/** Rows per chunk of a streamed CSV: ~100 KB, under V8's large-object size, so a chunk is allocated young. */
const CHUNK_ROWS = 50;

/**
 * A page of rows as CSV text chunks of CHUNK_ROWS lines (what csvRow makes of each row). The cells of a line go
 * into one array reused for every row, and the lines of a chunk into another: 500,000 rows of ~60 cells would
 * otherwise allocate two arrays a row and a slice a chunk, garbage that V8 promotes while the page is read.
 */
function pageChunks(rows: readonly Record<string, unknown>[], columns: Column[]): string[] {
  const chunks: string[] = [];
  const cells: string[] = new Array(columns.length);
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    lines.length = 0;
    for (let j = i; j < Math.min(i + CHUNK_ROWS, rows.length); j++) {
      const row = rows[j]!;
      for (let c = 0; c < columns.length; c++) cells[c] = csvCell(columns[c]!.get(row));
      lines.push(cells.join(','));
    }
    // The trailing '' gives the chunk its last line break in the same join.
    lines.push('');
    chunks.push(lines.join('\n'));
  }
  return chunks;
}

/**
 * The same CSV as toCsv, produced page by page: the header comes from the first row's fields and `mapKeys`
 * (every key the level's map-valued columns hold, known before the first row), then each page of rows as a few
 * chunks. Memory holds one page, whatever the number of rows.
 */
export async function* csvChunks(
  pages: AsyncIterable<readonly Record<string, unknown>[]>,
  mapKeys: Readonly<Record<string, readonly string[]>>,
): AsyncGenerator<string> {
  let columns: Column[] | undefined;
  for await (const rows of pages) {
    if (rows.length === 0) continue;
    if (!columns) {
      columns = columnsOf(Object.keys(rows[0]!), mapKeys);
      if (columns.length === 0) return;
      yield `${csvRow(columns.map((c) => c.name))}\n`;
    }
    // The page becomes text before the first chunk is sent: its rows are garbage while the client reads.
    yield* pageChunks(rows, columns);
  }
}

/** The q of the most specific range of an Accept header matching `type`, with that specificity (0 = none). */
function match(ranges: { type: string; q: number }[], type: string): [specificity: number, q: number] {
  const [major] = type.split('/');
  let best: [number, number] = [0, 0];
  for (const r of ranges) {
    const specificity = r.type === type ? 3 : r.type === `${major}/*` ? 2 : r.type === '*/*' ? 1 : 0;
    if (specificity > best[0]) best = [specificity, r.q];
  }
  return best;
}

/**
 * Content negotiation between JSON (the default) and CSV: CSV when the Accept header gives text/csv a higher
 * quality than JSON, or the same quality through a more specific range (`text/csv, *\/*`).
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = accept.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) || 0 : 1 };
  });
  const [csvSpecificity, csvQ] = match(ranges, 'text/csv');
  const [jsonSpecificity, jsonQ] = match(ranges, 'application/json');
  if (csvSpecificity === 0 || csvQ === 0) return false;
  return csvQ > jsonQ || (csvQ === jsonQ && csvSpecificity > jsonSpecificity);
}

/**
 * A byte stream of the chunks: in object mode Readable.from would read ahead 16 chunks (16 pages, tens of MB) while
 * the client is slow; counted in bytes, it holds one page beyond what the socket has taken.
 */
const streamOf = (chunks: AsyncIterable<string>) => Readable.from(chunks, { objectMode: false });

/**
 * Answers a CSV download named `<name>.csv` (the name reduced to safe characters): `rows` whole, or streamed
 * from an async iterable of text chunks (never buffered).
 */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  rows: readonly Record<string, unknown>[] | AsyncIterable<string>,
): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`)
    .send(Symbol.asyncIterator in rows ? streamOf(rows) : toCsv(rows));
}

/** The 200 response of a route that answers JSON or, on `Accept: text/csv`, the same rows as CSV. */
export const jsonOrCsv = <T>(description: string, json: T) => ({
  description,
  content: {
    'application/json': { schema: json },
    'text/csv': {
      schema: Type.String({ description: 'The same rows as CSV (every page); map fields as `field.key` columns' }),
    },
  },
});

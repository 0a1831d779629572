import { csvRow } from '@platescale/shared';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rows as CSV with a header: one column per scalar field in first-seen order, and one per key of an object-valued
 * field (`features.Count_Nuclei`, keys sorted), so spreadsheets and data frames get a flat table. No rows → ''.
 * Cells are formatted by csvRow (formula starts neutralised, RFC 4180 quoting).
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const keys = new Map<string, Set<string> | null>();
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) {
      if (!keys.has(k)) keys.set(k, null);
      if (isMap(v)) {
        const sub = keys.get(k) ?? new Set<string>();
        for (const s of Object.keys(v)) sub.add(s);
        keys.set(k, sub);
      }
    }
  }
  const columns = [...keys].flatMap(([k, sub]) =>
    sub
      ? [...sub]
          .sort()
          .map((s) => ({ name: `${k}.${s}`, get: (r: Record<string, unknown>) => (isMap(r[k]) ? r[k][s] : undefined) }))
      : [{ name: k, get: (r: Record<string, unknown>) => r[k] }],
  );
  if (columns.length === 0) return '';
  const lines = [csvRow(columns.map((c) => c.name)), ...rows.map((r) => csvRow(columns.map((c) => c.get(r))))];
  return `${lines.join('\n')}\n`;
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

/** Answers `rows` as a CSV download named `<name>.csv` (the name reduced to safe characters). */
export function sendCsv(reply: FastifyReply, name: string, rows: readonly Record<string, unknown>[]): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`)
    .send(toCsv(rows));
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

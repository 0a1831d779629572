import t from 'tap';
import { csvChunks, prefersCsv, toCsv } from '../../src/routes/csv.js';

t.test(
  'toCsv: scalar columns first-seen, map fields as field.key columns (keys sorted), RFC 4180 quoting',
  async (t) => {
    const csv = toCsv([
      { well: 'A01', features: null, note: 'a, "b"' },
      { well: 'A02', features: { Z: 1, A: 2 }, note: 'line\nbreak' },
    ]);
    t.equal(csv, 'well,features.A,features.Z,note\nA01,,,"a, ""b"""\nA02,2,1,"line\nbreak"\n');
    t.equal(toCsv([]), '');
  },
);

t.test('prefersCsv: CSV only when text/csv outranks JSON', async (t) => {
  t.ok(prefersCsv('text/csv'));
  t.ok(prefersCsv('text/csv, */*'), 'more specific at the same quality');
  t.ok(prefersCsv('application/json;q=0.5, text/csv'));
  t.ok(prefersCsv('text/*'));
  t.notOk(prefersCsv(undefined));
  t.notOk(prefersCsv('*/*'));
  t.notOk(prefersCsv('application/json, text/csv'), 'a tie of exact ranges keeps JSON');
  t.notOk(prefersCsv('text/csv;q=0, */*'));
  t.notOk(prefersCsv('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'));
});

t.test('csvChunks streams page by page the same text toCsv makes of all rows', async (t) => {
  const rows = Array.from({ length: 25 }, (_, i) => ({
    plate: 'P',
    well: `A${i}`,
    ok: i % 7 !== 0,
    features: i % 5 === 0 ? null : { Count_Nuclei: i, ...(i > 20 ? { Late: i / 2 } : {}) },
    note: i === 3 ? '=cmd' : null,
  }));
  async function* pages() {
    for (let i = 0; i < rows.length; i += 10) yield rows.slice(i, i + 10);
  }
  let text = '';
  for await (const chunk of csvChunks(pages(), { features: ['Count_Nuclei', 'Late'] })) text += chunk;
  t.equal(text, toCsv(rows));
  let empty = '';
  for await (const chunk of csvChunks(pages(), {})) empty += chunk;
  t.ok(empty.startsWith('plate,well,ok,features,note\n'), 'no map keys: the column stays one scalar column');
});

import t from 'tap';
import { prefersCsv, toCsv } from '../../src/routes/csv.js';

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

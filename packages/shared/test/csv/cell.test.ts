import t from 'tap';
import { csvCell, csvCellText, csvRow } from '../../src/csv/cell.js';

t.test('formula starts are neutralised with a leading quote (OWASP): = + - @ tab CR', async (t) => {
  for (const [value, cell] of [
    ["=cmd|' /C calc'!A0", `'=cmd|' /C calc'!A0`],
    ['@SUM(1)', `'@SUM(1)`],
    ['+1+2', `'+1+2`],
    ['-2+3', `'-2+3`],
    ['-A1', `'-A1`],
    ['\tcmd', `'\tcmd`],
    ['\r=cmd', `"'\r=cmd"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['-Infinity', `'-Infinity`],
  ] as const) {
    t.equal(csvCell(value), cell, JSON.stringify(value));
  }
});

t.test('plain negative numbers stay numeric, whether numbers or text', async (t) => {
  for (const v of [-1, -0.5, -3e-7, -1e21, '-12', '-0.25', '-.5', '-4E+3']) t.equal(csvCell(v), String(v));
  t.equal(csvCell(0), '0');
  t.equal(csvCell(12.5), '12.5');
});

t.test(
  'a number is its String text (formatted without the number-string cache), non-finite ones as text',
  async (t) => {
    for (const v of [
      0,
      -0,
      1,
      123.4567,
      0.1 + 0.2,
      1e21,
      1.5e-7,
      -2.5e300,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      2 ** 53,
    ]) {
      t.equal(csvCell(v), String(v), String(v));
    }
    t.equal(csvCell(Number.NaN), 'NaN');
    t.equal(csvCell(Number.POSITIVE_INFINITY), 'Infinity');
    t.equal(csvCell(Number.NEGATIVE_INFINITY), `'-Infinity`);
  },
);

t.test('RFC 4180 quoting, empty for null and undefined, anything else as text', async (t) => {
  t.equal(csvCell('a, "b"'), '"a, ""b"""');
  t.equal(csvCell('line\nbreak'), '"line\nbreak"');
  t.equal(csvCell(null), '');
  t.equal(csvCell(undefined), '');
  t.equal(csvCell(true), 'true');
  t.equal(csvCell('DMSO'), 'DMSO');
  t.equal(csvCell('a=b'), 'a=b', 'only the first character matters');
  t.equal(csvRow(['A01', -1, '=1+1', null, 'x,y']), `A01,-1,'=1+1,,"x,y"`);
});

t.test('csvCellText reads a neutralised cell back as the text it was', async (t) => {
  for (const text of ["=cmd|' /C calc'!A0", '@SUM(1)', '+1', '-A1', '\tx', 'DMSO', "'quoted", '-5']) {
    t.equal(
      csvCellText(
        csvCell(text)
          .replace(/^"(.*)"$/s, '$1')
          .replaceAll('""', '"'),
      ),
      text,
      JSON.stringify(text),
    );
  }
});

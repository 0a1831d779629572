import t from 'tap';
import { plateGeometry, wellKey, wellName } from '../../../app/lib/plate.js';

t.test('96 and 384 wells', async (t) => {
  const p96 = plateGeometry(96);
  t.equal(p96.rows.length * p96.columns.length, 96);
  t.equal(p96.rows.at(-1), 'H');
  const p384 = plateGeometry(384);
  t.equal(p384.rows.length * p384.columns.length, 384);
  t.equal(p384.rows.at(-1), 'P');
  t.equal(p384.columns.at(-1), 24);
});

t.test('well names from different instruments meet on one key', async (t) => {
  t.equal(wellKey('d3'), 'D03');
  t.equal(wellKey('D003'), 'D03');
  t.equal(wellKey('P24'), 'P24');
  t.equal(wellKey('not a well'), 'not a well');
  t.equal(wellName('A', 1), 'A01');
});

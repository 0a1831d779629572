import t from 'tap';
import { plateGeometry, platePosition, wellKey, wellName } from '../../../app/lib/plate.js';

t.test('96, 384 and 1536 wells', async (t) => {
  const p96 = plateGeometry(96);
  t.equal(p96.rows.length * p96.columns.length, 96);
  t.equal(p96.rows.at(-1), 'H');
  const p384 = plateGeometry(384);
  t.equal(p384.rows.length * p384.columns.length, 384);
  t.equal(p384.rows.at(-1), 'P');
  t.equal(p384.columns.at(-1), 24);
  const p1536 = plateGeometry(1536);
  t.equal(p1536.rows.length * p1536.columns.length, 1536);
  t.same(p1536.rows.slice(24, 28), ['Y', 'Z', 'AA', 'AB']);
  t.equal(p1536.rows.at(-1), 'AF');
  t.equal(p1536.columns.at(-1), 48);
});

t.test('well names from different instruments meet on one key', async (t) => {
  t.equal(wellKey('d3'), 'D03');
  t.equal(wellKey('D003'), 'D03');
  t.equal(wellKey('P24'), 'P24');
  t.equal(wellKey('af4'), 'AF04');
  t.equal(wellKey('not a well'), 'not a well');
  t.equal(wellName('A', 1), 'A01');
});

t.test('plate order puts the two-letter rows after Z', async (t) => {
  const wells = ['AA01', 'B01', 'A48', 'Z12', 'AF48', 'a2', 'AB03'];
  t.same(
    [...wells].sort((a, b) => platePosition(a) - platePosition(b)),
    ['a2', 'A48', 'B01', 'Z12', 'AA01', 'AB03', 'AF48'],
  );
});

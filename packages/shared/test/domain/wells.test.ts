import t from 'tap';
import { allWells, normalizeWell, parseWell, wellFitsPlate, wellId } from '../../src/domain/wells.js';
import { ValidationError } from '../../src/errors.js';

t.test('well ids normalise to row letters + two-digit column', async (t) => {
  t.equal(normalizeWell('A1'), 'A01');
  t.equal(normalizeWell('a001'), 'A01');
  t.equal(normalizeWell(' h12 '), 'H12');
  t.same(parseWell('P24'), { well: 'P24', row: 15, column: 23 });
  t.equal(wellId(26, 0), 'AA01', 'two-letter rows (1536-well plates)');
});

t.test('bad well ids are validation errors that name the input', async (t) => {
  for (const bad of ['', '12', 'A', 'A0', '1A', 'A-1']) {
    t.throws(() => parseWell(bad), ValidationError, bad);
  }
  t.throws(() => parseWell('Q1x'), /'Q1x' is not a well id/);
});

t.test('plate formats', async (t) => {
  t.equal(allWells(96).length, 96);
  t.equal(allWells(384).length, 384);
  t.equal(allWells(96)[95], 'H12');
  t.ok(wellFitsPlate('H12', 96));
  t.notOk(wellFitsPlate('I01', 96));
  t.notOk(wellFitsPlate('A13', 96));
  t.ok(wellFitsPlate('P24', 384));
  t.equal(allWells(1536).length, 1536);
  t.same([allWells(1536)[26 * 48], allWells(1536)[1535]], ['AA01', 'AF48']);
  t.ok(wellFitsPlate('af48', 1536));
  t.notOk(wellFitsPlate('AG01', 1536));
  t.notOk(wellFitsPlate('A49', 1536));
});

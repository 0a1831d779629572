import t from 'tap';
import { PlateMapValidationError } from '../../src/errors.js';
import { parsePlateMap, plateMapLookup } from '../../src/plate-map/parse.js';

t.test('CSV with a header: known columns typed, the rest kept as metadata', async (t) => {
  const csv =
    'well,treatment,dose,unit,role,cell_line\nA1,DMSO,,,negative_control,HeLa\nB02,"cmpd, A",0.3,uM,sample,HeLa\n';
  t.same(parsePlateMap(csv, { format: 'csv', plateFormat: 96 }), [
    {
      plate: '',
      well: 'A01',
      treatment: 'DMSO',
      dose: null,
      unit: null,
      role: 'negative_control',
      metadata: { cell_line: 'HeLa' },
    },
    {
      plate: '',
      well: 'B02',
      treatment: 'cmpd, A',
      dose: 0.3,
      unit: 'uM',
      role: 'sample',
      metadata: { cell_line: 'HeLa' },
    },
  ]);
});

t.test('JSON: an array or {wells}; role defaults to sample; a plate column targets one plate', async (t) => {
  const rows = [
    { well: 'P24', treatment: 'x', dose: 1, plate: 'PL1', replicate: 2 },
    { well: 'A01', treatment: 'DMSO', role: 'negative_control' },
  ];
  const entries = parsePlateMap({ wells: rows }, { format: 'json', plateFormat: 384 });
  t.match(entries[0], { plate: 'PL1', well: 'P24', role: 'sample', metadata: { replicate: 2 } });
  const lookup = plateMapLookup([...entries, { ...entries[1]!, plate: 'PL1', treatment: 'override' }]);
  t.equal(lookup('PL1', 'A01')?.treatment, 'override');
  t.equal(lookup('PL2', 'A01')?.treatment, 'DMSO');
  t.equal(lookup('PL2', 'P24'), undefined);
});

t.test('unknown, duplicate and out-of-format wells are named in one 400', async (t) => {
  const csv = 'well,treatment,role\nA01,x,sample\nA1,x,sample\nZZ9Q,x,sample\nH13,x,sample\nB01,,mystery\n';
  try {
    parsePlateMap(csv, { format: 'csv', plateFormat: 96 });
    t.fail('should throw');
  } catch (err) {
    t.type(err, PlateMapValidationError);
    const e = err as PlateMapValidationError;
    t.equal(e.status, 400);
    t.same(e.duplicateWells, ['A01']);
    t.same(e.unknownWells, ['ZZ9Q']);
    t.same(e.outsideWells, ['H13']);
    t.equal(e.invalidRows.length, 2, 'bad role and missing treatment');
    t.match(e.message, /unknown wells: ZZ9Q; duplicate wells: A01; wells outside the plate format: H13/);
  }
  t.throws(() => parsePlateMap('[]', { format: 'json', plateFormat: 96 }), { name: 'PlateMapValidationError' });
  t.throws(() => parsePlateMap('{"x":1}', { format: 'json', plateFormat: 96 }), { name: 'PlateMapValidationError' });
  t.throws(() => parsePlateMap('well,treatment,dose\nA01,x,-1\n', { format: 'csv', plateFormat: 96 }), {
    message: /dose '-1'/,
  });
});

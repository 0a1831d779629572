import t from 'tap';
import { parseImageName } from '../../src/domain/naming.js';

t.test('Cellomics names: plate, well, 0-based field and channel', async (t) => {
  t.same(parseImageName('experiments/x/AS_09125_050116030001_D03f00d0.tif'), {
    plate: 'AS_09125_050116030001',
    well: 'D03',
    field: 0,
    channel: 0,
    convention: 'cellomics',
  });
  t.match(parseImageName('AS_09125_050116030001_D3f12d2.TIF'), { well: 'D03', field: 12, channel: 2 });
});

t.test('ImageXpress names with and without a GUID suffix (1-based site and wavelength)', async (t) => {
  t.same(parseImageName('Plate1_A01_s1_w1.tif'), {
    plate: 'Plate1',
    well: 'A01',
    field: 0,
    channel: 0,
    convention: 'imagexpress',
  });
  t.match(parseImageName('Plate1_B12_s3_w24E5B4C1A-66E9-4E58-9B2C-1C2D3E4F5A6B.tif'), {
    plate: 'Plate1',
    well: 'B12',
    field: 2,
    channel: 1,
  });
  t.match(parseImageName('Plate1_a1_s1_w2.tif'), { well: 'A01', channel: 1 }, 'A1 ≡ A01, case-insensitive');
});

t.test('Opera/Phenix names: row/column numbers, plate from the folder', async (t) => {
  t.same(parseImageName('plates/P7/r02c03f04p01-ch2sk1fk1fl1.tiff'), {
    plate: 'P7',
    well: 'B03',
    field: 3,
    channel: 1,
    convention: 'opera',
  });
  t.match(parseImageName('r16c24f01p01-ch1sk1fk1fl1.tiff'), { well: 'P24' }, '384-well corner');
});

t.test('unknown names are undefined (reported by callers, never guessed)', async (t) => {
  for (const name of ['notes.txt', 'image.tif', 'Plate1_A01_w1.tif', 'r01c01f01-ch1.tiff', 'AS_D03f00.tif']) {
    t.equal(parseImageName(name), undefined, name);
  }
});

t.test('a convention can be forced', async (t) => {
  t.equal(parseImageName('Plate1_A01_s1_w1.tif', 'cellomics'), undefined);
  t.match(parseImageName('Plate1_A01_s1_w1.tif', 'imagexpress'), { well: 'A01' });
});

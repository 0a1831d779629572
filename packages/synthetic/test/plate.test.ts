import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseImageName } from '@platescale/shared';
import sharp from 'sharp';
import t from 'tap';
import { type GroundTruth, maskFileName, plateMapOf, writePlate } from '../src/plate.js';

const wells = ['A01', 'C07', 'H12'];

t.test('writePlate writes parseable 16-bit TIFFs and the ground truth, deterministically', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'synthetic-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(join(dir, 'a'), { plate: 'P1', seed: 4, size: 256, fields: 2, wells });
  await writePlate(join(dir, 'b'), { plate: 'P1', seed: 4, size: 256, fields: 2, wells });

  const files = (await readdir(join(dir, 'a'))).sort();
  t.equal(files.length, wells.length * 2 * 2 + 1);
  t.ok(files.includes('ground-truth.json'));
  for (const file of files.filter((f) => f.endsWith('.tif'))) {
    const parsed = parseImageName(`images/${file}`);
    t.ok(parsed, `${file} parses`);
    t.equal(parsed?.convention, 'imagexpress');
    t.equal(parsed?.plate, 'P1');
    const [a, b] = await Promise.all([readFile(join(dir, 'a', file)), readFile(join(dir, 'b', file))]);
    t.ok(a.equals(b), `${file} is reproducible`);
  }
  t.same(parseImageName('P1_C07_s2_w1.tif'), {
    plate: 'P1',
    well: 'C07',
    field: 1,
    channel: 0,
    convention: 'imagexpress',
  });

  const meta = await sharp(join(dir, 'a', 'P1_A01_s1_w1.tif')).metadata();
  t.match(meta, { format: 'tiff', width: 256, height: 256, channels: 1, depth: 'ushort' });

  const stored = JSON.parse(await readFile(join(dir, 'a', 'ground-truth.json'), 'utf8')) as GroundTruth;
  t.same(stored, truth);
  t.equal(truth.fields.length, wells.length * 2);
  t.same(Object.keys(truth.layout), wells);
  t.match(truth.layout.A01, { role: 'negative_control', treatment: 'DMSO' });
  t.match(truth.layout.C07, { role: 'sample', treatment: 'compoundA' });
  t.match(truth.treatments.compoundB, { ec50: 1.5, hill: 1.5, top: 100, bottom: 20 });
  t.same(truth.fields[0]?.files, ['P1_A01_s1_w1.tif', 'P1_A01_s1_w2.tif']);
  const negative = truth.fields.filter((f) => f.well === 'A01').map((f) => f.trueCount);
  const positive = truth.fields.filter((f) => f.well === 'H12').map((f) => f.trueCount);
  t.ok(Math.min(...negative) > Math.max(...positive), 'negative controls hold more nuclei than positive ones');
});

t.test('plate names that would break the file-name convention are refused', async (t) => {
  await t.rejects(writePlate(join(tmpdir(), 'never'), { plate: 'my_plate', wells }), {
    code: 'synthetic_invalid_options',
  });
});

t.test('plateMapOf lists every written well with its plate', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'synthetic-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(dir, { plate: 'P2', size: 256, fields: 1, wells: ['A01', 'B02'] });
  t.same(plateMapOf(truth), [
    { plate: 'P2', well: 'A01', treatment: 'DMSO', dose: 0, unit: 'uM', role: 'negative_control' },
    { plate: 'P2', well: 'B02', treatment: 'compoundA', dose: truth.doses[0], unit: 'uM', role: 'sample' },
  ]);
});

t.test('with masks, every field gets its 16-bit label image holding exactly trueCount nuclei', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'synthetic-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const truth = await writePlate(dir, { plate: 'P3', size: 256, fields: 2, wells: ['A01', 'H12'], masks: true });
  t.equal(truth.fields.length, 4);
  for (const f of truth.fields) {
    t.equal(f.mask, maskFileName('P3', f.well, f.field));
    const meta = await sharp(join(dir, f.mask!)).metadata();
    t.match(meta, { format: 'png', channels: 1, depth: 'ushort' });
    const { data, info } = await sharp(join(dir, f.mask!))
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    t.match(info, { width: 256, height: 256, channels: 1 });
    const labels = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
    const present = new Set(labels);
    present.delete(0);
    t.equal(present.size, f.trueCount, `${f.mask} holds ${f.trueCount} nuclei`);
    t.equal(
      labels.reduce((a, b) => Math.max(a, b), 0),
      f.trueCount,
      'labelled 1..trueCount',
    );
  }
  const without = await writePlate(join(dir, 'plain'), { plate: 'P3', size: 256, fields: 1, wells: ['A01'] });
  t.equal(without.fields[0]?.mask, undefined, 'no masks unless asked');
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { run } from '../../src/commands/segment.js';
import { captureOutput } from '../helpers/output.js';

const quiet = async (args: string[]) => (await captureOutput(() => run(args))).code;

const example = new URL('../../../../test/fixtures/example-human/', import.meta.url).pathname;

t.test('segment <dir> --channel 0 --json: the DNA image of the example field', async (t) => {
  const out = join(t.testdir(), 'out.json');
  t.equal(await quiet([example, '--channel', '0', '--json', out]), 0);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  t.equal(json.images.length, 1, 'only the d0 file');
  t.match(json.images[0], { file: /D03f00d0\.tif$/, count: Number, meanArea: Number });
  t.ok(Math.abs(json.images[0].count - 316) / 316 < 0.15);
  t.ok(json.secondsPerImage > 0);
});

t.test('a corrupt file fails alone, named with its reason; --objects lists the objects', async (t) => {
  const dir = t.testdir();
  writeFileSync(join(dir, 'broken.tif'), 'II*\0 truncated');
  const out = join(dir, 'out.json');
  const code = await quiet([
    join(example, 'AS_09125_050116030001_D03f00d0.tif'),
    join(dir, 'broken.tif'),
    '--objects',
    '--json',
    out,
  ]);
  t.equal(code, 1);
  const { images } = JSON.parse(readFileSync(out, 'utf8'));
  t.equal(images[0].objects.length, images[0].count);
  t.match(images[0].objects[0], { ObjectNumber: 1, AreaShape_Area: Number, Intensity_MeanIntensity_DNA: Number });
  t.match(images[1], { file: /broken\.tif$/, error: /broken\.tif/ });
});

t.test('--diameter: used as given and reported; out of range or not a number is a usage error', async (t) => {
  const out = join(t.testdir(), 'out.json');
  const d0 = join(example, 'AS_09125_050116030001_D03f00d0.tif');
  t.equal(await quiet([d0, '--diameter', '14.5', '--json', out]), 0);
  const [image] = JSON.parse(readFileSync(out, 'utf8')).images;
  t.match(image, { objectDiameter: 14.5, diameterSource: 'given' });
  t.equal(await quiet([d0, '--json', out]), 0);
  t.match(JSON.parse(readFileSync(out, 'utf8')).images[0], { diameterSource: 'estimated' });
  for (const bad of ['1', '1000.5', 'NaN', '12px']) {
    await t.rejects(run([d0, '--diameter', bad, '--json', out]), {
      status: 400,
      message: new RegExp(`--diameter must be a number of pixels between 2 and 1000, got '${bad}'`),
    });
  }
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModelMetadata } from '@platescale/onnx';
import { encodeTiff, renderField } from '@platescale/synthetic';
import { paintStrokes } from '@platescale/trainer';
import sharp from 'sharp';
import t from 'tap';
import { run } from '../../src/commands/train.js';
import { captureOutput } from '../helpers/output.js';
import { platescale } from '../helpers/process.js';

const captured = (args: string[]) => captureOutput(() => run(args));

const dir = t.testdir();
const SIZE = 160;
const images: string[] = [];
const labels: string[] = [];
for (const seed of [1, 2]) {
  const field = renderField({ width: SIZE, height: SIZE, seed, count: 14, radius: [5, 9] });
  images.push(join(dir, `f${seed}.tif`));
  writeFileSync(images.at(-1)!, await encodeTiff(field.channels[0], SIZE, SIZE, 16));
  const painted = paintStrokes(field.labels, { width: SIZE, height: SIZE, seed, fraction: 0.02 });
  labels.push(join(dir, `f${seed}_labels.png`));
  writeFileSync(
    labels.at(-1)!,
    await sharp(painted, { raw: { width: SIZE, height: SIZE, channels: 1 } })
      .png()
      .toBuffer(),
  );
}

t.test('train --images … --labels … --out writes the model and prints the summary', async (t) => {
  const out = join(dir, 'model.onnx');
  const { code, stdout: printed } = await captured([
    '--images',
    ...images,
    '--labels',
    ...labels,
    '--out',
    out,
    '--hidden',
    '8',
  ]);
  t.equal(code, 0);
  const summary = JSON.parse(printed);
  t.match(summary, { out, classes: ['background', 'nucleus'], channels: ['DNA'], architecture: { hidden: 8 } });
  t.equal(summary.trainingImages.length, 2);
  t.match(readModelMetadata(readFileSync(out)), {
    'platescale.foreground': 'nucleus',
    'platescale.normalization': 'none',
  });
});

t.test('--classifier forest --trees N writes a random forest model', async (t) => {
  const out = join(dir, 'forest.onnx');
  const args = ['--images', ...images, '--labels', ...labels, '--out', out, '--classifier', 'forest', '--trees', '12'];
  const { code, stdout: printed } = await captured(args);
  t.equal(code, 0);
  t.match(JSON.parse(printed), { architecture: { classifier: 'forest', trees: 12, hidden: 0 } });
  t.match(readModelMetadata(readFileSync(out)), { 'platescale.classifier': 'forest 12 trees depth ≤ 10' });
});

t.test('a missing label image or a bad option is a usage error naming it', async (t) => {
  await t.rejects(run(['--images', ...images, '--labels', labels[0]!, '--out', join(dir, 'x.onnx')]), {
    status: 400,
    message: /2 images but 1 label images/,
  });
  await t.rejects(
    run([
      '--images',
      images.join(','),
      '--labels',
      labels.join(','),
      '--out',
      join(dir, 'x.onnx'),
      '--normalization',
      'z',
    ]),
    { message: /--normalization must be one of none, percentile/ },
  );
  const usage = ['--images', ...images, '--labels', ...labels, '--out', join(dir, 'x.onnx')];
  await t.rejects(run([...usage, '--classifier', 'svm']), { message: /--classifier must be one of mlp, forest/ });
  await t.rejects(run([...usage, '--trees', '0']), { message: /--trees must be an integer between 1 and 200/ });
  await t.rejects(run([...usage, '--trees', '5']), { status: 400, message: /'trees' is an option of the forest/ });
  t.equal((await captured(['--labels', labels[0]!])).code, 2, 'no --images, no --out: help');
});

t.test('--base nuclei: filter-bank flags and a bad --diameter are usage errors (exit 2, one line)', async (t) => {
  const usage = ['--images', ...images, '--labels', ...labels, '--out', join(dir, 'x.onnx')];
  const home = t.testdir();
  const forest = await platescale(['train', ...usage, '--base', 'nuclei', '--classifier', 'forest'], home);
  t.equal(forest.code, 2);
  t.equal(forest.stderr, 'platescale: --classifier is an option of --base none\n');
  await t.rejects(run([...usage, '--base', 'nuclei', '--hidden', '8']), {
    message: /--hidden is an option of --base none/,
  });
  await t.rejects(run([...usage, '--base', 'pretrained']), { message: /--base must be 'nuclei' or 'none'/ });
  for (const bad of ['0', '1.5', '1001', 'wide', '']) {
    await t.rejects(run([...usage, '--base', 'nuclei', '--diameter', bad]), {
      status: 400,
      message: new RegExp(`--diameter must be a number of pixels between 2 and 1000, got '${bad}'`),
    });
  }
  await t.rejects(run([...usage, '--diameter', '12']), {
    status: 400,
    message: /'objectDiameter' is an option of base: nuclei/,
  });
  t.notOk(existsSync(join(dir, 'x.onnx')), 'no model written');
});

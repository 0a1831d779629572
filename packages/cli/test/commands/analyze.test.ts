import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { platescale } from '../helpers/process.js';

const D2 = fileURLToPath(
  new URL('../../../../test/fixtures/example-human/AS_09125_050116030001_D03f00d2.tif', import.meta.url),
);

t.test(
  'analyze on a one-channel Cellomics folder (only d2 files) segments that channel, no options given',
  async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'platescale-analyze-'));
    t.teardown(() => rm(root, { recursive: true, force: true }));
    const dir = join(root, 'AS_09125');
    await mkdir(dir);
    for (const well of ['D03', 'D04', 'E03']) await copyFile(D2, join(dir, `AS_09125_050116030001_${well}f00d2.tif`));
    const json = join(root, 'report.json');

    const run = await platescale(['analyze', dir, '--json', json], join(root, 'home'));
    t.equal(run.code, 0, run.stderr);
    t.match(run.stderr, /segmenting channel ch3, the first with images/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    t.match(report, {
      status: 'SUCCEEDED',
      channels: ['ch1', 'ch2', 'ch3'],
      segmentationChannel: 'ch3',
      imagesTotal: 3,
      imagesSucceeded: 3,
      imagesFailed: 0,
    });
    for (const w of report.wells) t.ok(w.cellCount > 0, `${w.well}: ${w.cellCount} objects`);

    const model = fileURLToPath(new URL('../../../segmentation/models/nuclei-default.onnx', import.meta.url));
    const withModel = await platescale(['analyze', dir, '--model', model, '--json', json], join(root, 'home'));
    t.equal(withModel.code, 0, `an .onnx file as --model goes into the tenant's storage: ${withModel.stderr}`);
    t.equal(JSON.parse(await readFile(json, 'utf8')).imagesSucceeded, 3);

    const named = await platescale(['analyze', dir, '--segmentation-channel', 'ch1'], join(root, 'home'));
    t.equal(named.code, 2);
    t.equal(
      named.stderr.trim().split('\n').at(-1),
      "platescale: --segmentation-channel 'ch1' has no images in this folder (channels with images: ch3)",
    );
  },
);

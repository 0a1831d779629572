import { createHash } from 'node:crypto';
import { loadModel } from '@platescale/segmentation';
import sharp from 'sharp';
import t from 'tap';
import { encodeNetwork } from '../../src/cnn/export.js';
import { trainFromFiles } from '../../src/compute/in-process.js';
import type { TrainingFiles } from '../../src/compute/port.js';
import { TrainingInputError } from '../../src/errors.js';
import { discGrid, discStrokes } from '../fixtures/discs.js';
import { randomNetwork } from '../fixtures/networks.js';

const SIDE = 48;
const field = discGrid(SIDE, 12);
const raw = { width: SIDE, height: SIDE, channels: 1 } as const;

async function files(): Promise<TrainingFiles[]> {
  const dna = await sharp(
    Uint16Array.from(field.data, (v) => Math.round(v * 4000)),
    { raw },
  )
    .toColourspace('grey16')
    .png()
    .toBuffer();
  const labels = await sharp(discStrokes(field.labels, SIDE), { raw }).png().toBuffer();
  return [{ channels: [{ name: 'dna.png', bytes: dna }], labels: { name: 'labels.png', bytes: labels } }];
}

const options = { classes: ['background', 'nucleus', 'boundary'], channels: ['DNA'] };

t.test("base 'nuclei' fine-tunes the given network on the strokes, at the given diameter", async (t) => {
  const base = encodeNetwork(randomNetwork(2));
  const { bytes, result } = await trainFromFiles(
    await files(),
    { ...options, base: 'nuclei', objectDiameter: 12 },
    base,
  );
  t.match(result.architecture, {
    classifier: 'network',
    base: createHash('sha256').update(base).digest('hex').slice(0, 16),
    objectDiameter: 12,
  });
  t.equal(result.metrics.perClass.length, 3);
  t.ok(result.metrics.heldOutPixels > 0);
  const model = await loadModel('taught', bytes);
  t.match(model, { output: 'classes', channelNames: ['DNA'], diameter: 10 });
  await model.session.release();
});

t.test('options of the other kind of model are refused, naming the option', async (t) => {
  const refused = (opts: Parameters<typeof trainFromFiles>[1], field: string, message: RegExp) =>
    t.rejects((async () => trainFromFiles(await files(), opts))(), { constructor: TrainingInputError, field, message });
  await refused(
    { ...options, base: 'nuclei', classifier: 'forest' },
    'classifier',
    /'classifier' is an option of base: none/,
  );
  await refused({ ...options, base: 'nuclei', normalization: 'none' }, 'normalization', /'normalization' is an option/);
  await refused({ ...options, objectDiameter: 12 }, 'objectDiameter', /'objectDiameter' is an option of base: nuclei/);
  await refused({ ...options, base: 'none', objectDiameter: 12 }, 'objectDiameter', /base: nuclei/);
  await refused({ ...options, classifier: 'forest', hidden: 8 }, 'hidden', /'hidden' is an option of the mlp/);
});

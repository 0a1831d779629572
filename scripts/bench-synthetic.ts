/**
 * `npm run bench:synthetic [-- --json F]`: how long the synthetic generator takes — rendering alone (the fields of a
 * 96-well, 4-field demo plate at 512², both channels) and the whole `writePlate` (rendering plus TIFF encoding and
 * writing). Prints JSON.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { deriveSeed, designPlate, fieldCount, renderField, writePlate } from '../packages/synthetic/src/index.js';

const { values } = parseArgs({ options: { json: { type: 'string' } } });
const seed = 1;
const plate = 'SYNTH01';
const fields = 4;

const renderStart = performance.now();
let nuclei = 0;
for (const well of designPlate().wells) {
  for (let field = 0; field < fields; field++) {
    const rendered = renderField({
      width: 512,
      height: 512,
      seed: deriveSeed(seed, plate, well.well, field),
      count: fieldCount(seed, plate, well, field, 0.1),
      stainLevel: well.stainLevel,
    });
    nuclei += rendered.count;
  }
}
const renderSeconds = (performance.now() - renderStart) / 1000;

const dir = await mkdtemp(join(tmpdir(), 'bench-synthetic-'));
const writeStart = performance.now();
try {
  await writePlate(dir, { seed, plate, fields });
} finally {
  await rm(dir, { recursive: true, force: true });
}
const writePlateSeconds = (performance.now() - writeStart) / 1000;

const report = {
  fields: 96 * fields,
  nuclei,
  renderSeconds: Number(renderSeconds.toFixed(2)),
  msPerField: Number(((renderSeconds * 1000) / (96 * fields)).toFixed(1)),
  writePlateSeconds: Number(writePlateSeconds.toFixed(2)),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
if (values.json) await writeFile(values.json, `${JSON.stringify(report, null, 2)}\n`);

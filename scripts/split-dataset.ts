/**
 * Writes `<dir>/split.csv` of an annotated set (default data/dsb2018): every image's size group (from the median
 * diameter of its annotated nuclei) and its split — train, tune or validation (20 % per size group; see
 * assignSplit in packages/trainer). Deterministic: rerunning it on the same files writes the same file.
 *
 *   npm run split:dataset [-- --dir data/dsb2018]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_SEGMENTER_OPTIONS, decodeImage } from '../packages/segmentation/src/index.js';
import { assignSplit, medianDiameter, type SizeGroup, sizeGroup } from '../packages/trainer/src/index.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: 'data/dsb2018' } } });
const dir = values.dir!;
const stems = (await readFile(join(dir, 'index.csv'), 'utf8'))
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(',')[0]!);
const rows: { stem: string; diameter: number; group: SizeGroup }[] = [];
for (const stem of stems) {
  const path = join(dir, 'masks', `${stem}.png`);
  const mask = await decodeImage(path, await readFile(path), DEFAULT_SEGMENTER_OPTIONS);
  const diameter = medianDiameter(mask.data);
  rows.push({ stem, diameter, group: sizeGroup(diameter) });
}
const split = assignSplit(rows);
const lines = rows.map((r) => `${r.stem},${split.get(r.stem)},${r.group},${r.diameter.toFixed(2)}`);
await writeFile(join(dir, 'split.csv'), `stem,split,group,diameter\n${lines.join('\n')}\n`);
const count = (s: string, g?: string) => rows.filter((r) => split.get(r.stem) === s && (!g || r.group === g)).length;
for (const g of ['small', 'medium', 'large']) {
  process.stdout.write(
    `${g}: train ${count('train', g)}, tune ${count('tune', g)}, validation ${count('validation', g)}\n`,
  );
}

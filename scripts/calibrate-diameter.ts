/**
 * Fits the diameter estimator's calibration (DIAMETER_CALIBRATION in packages/segmentation/src/diameter.ts) on the
 * training split of an annotated set and reports its error on every split: ln(true median diameter) against
 * ln(blob diameter), least squares. Prints JSON; paste slope and intercept into diameter.ts when they move.
 *
 *   npm run calibrate:diameter [-- --dir data/dsb2018]
 */
import { parseArgs } from 'node:util';
import { blobDiameter, DIAMETER_CALIBRATION, normalizeImage } from '../packages/segmentation/src/index.js';
import { loadAnnotatedImage, readAnnotatedSet } from '../packages/trainer/src/index.js';

const { values } = parseArgs({ options: { dir: { type: 'string', default: 'data/dsb2018' } } });
const dir = values.dir!;
const rows: { split: string; truth: number; blob: number; seconds: number; pixels: number }[] = [];
for (const entry of await readAnnotatedSet(dir)) {
  if (entry.diameter <= 0) continue;
  const { image } = await loadAnnotatedImage(dir, entry);
  const plane = normalizeImage(image.data, image.width, image.height);
  const started = performance.now();
  const { diameter } = blobDiameter(plane, image.width, image.height);
  const seconds = (performance.now() - started) / 1000;
  if (diameter !== undefined)
    rows.push({
      split: entry.split,
      truth: entry.diameter,
      blob: diameter,
      seconds,
      pixels: image.width * image.height,
    });
}
const train = rows.filter((r) => r.split === 'train');
const xs = train.map((r) => Math.log(r.blob));
const ys = train.map((r) => Math.log(r.truth));
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const mx = mean(xs);
const my = mean(ys);
const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
const intercept = my - slope * mx;
const errors = (split: string, fit: { slope: number; intercept: number }) => {
  const e = rows
    .filter((r) => r.split === split)
    .map((r) => Math.abs(fit.slope * Math.log(r.blob) + fit.intercept - Math.log(r.truth)))
    .sort((a, b) => a - b);
  const q = (p: number) => Number(Math.exp(e[Math.min(e.length - 1, Math.floor(p * e.length))]!).toFixed(3));
  return { images: e.length, medianRatio: q(0.5), p90Ratio: q(0.9), maxRatio: q(1) };
};
const fitted = { slope: Number(slope.toFixed(3)), intercept: Number(intercept.toFixed(3)) };
process.stdout.write(
  `${JSON.stringify(
    {
      fitted,
      inUse: DIAMETER_CALIBRATION,
      train: errors('train', DIAMETER_CALIBRATION),
      validation: errors('validation', DIAMETER_CALIBRATION),
      validationWithFitted: errors('validation', fitted),
      msPerMegapixel: Number(
        ((1000 * rows.reduce((s, r) => s + r.seconds, 0)) / (rows.reduce((s, r) => s + r.pixels, 0) / 1e6)).toFixed(1),
      ),
    },
    null,
    2,
  )}\n`,
);

import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeMask, scoreObjects, summarizeScores } from '@platescale/segmentation';
import t from 'tap';
import { run } from '../../src/commands/score.js';
import { captureOutput } from '../helpers/output.js';

const W = 64;
const H = 48;

/** A label image of discs (centre x, y, radius), labelled 1..n in order. */
function discs(list: [number, number, number][]): Int32Array {
  const labels = new Int32Array(W * H);
  list.forEach(([cx, cy, r], k) => {
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) labels[y * W + x] = k + 1;
  });
  return labels;
}

async function writeLabels(file: string, labels: Int32Array, width = W, height = H) {
  const count = Math.max(0, ...labels);
  writeFileSync(
    file,
    await encodeMask({ labels, width, height, table: { count } } as Parameters<typeof encodeMask>[0]),
  );
}

const TRUTH = discs([
  [10, 10, 6],
  [30, 10, 6],
  [42, 10, 6],
  [20, 34, 8],
]);
// The two discs at x = 30 and 42 touch: one object where the truth has two.
const MERGED = TRUTH.map((l) => (l === 3 ? 2 : l));

async function folders(t: { testdir(): string }) {
  const dir = t.testdir();
  const truth = join(dir, 'truth');
  const masks = join(dir, 'masks');
  await mkdir(truth);
  await mkdir(masks);
  return { dir, truth, masks, out: join(dir, 'score.json') };
}

t.test('a perfect prediction scores 1; a merged pair is counted and scored as bench:accuracy scores it', async (t) => {
  const { truth, masks, out } = await folders(t);
  await writeLabels(join(truth, 'a.png'), TRUTH);
  await writeLabels(join(truth, 'b.png'), TRUTH);
  await writeLabels(join(masks, 'a.png'), TRUTH);
  await writeLabels(join(masks, 'b.png'), MERGED);
  const { code, stdout } = await captureOutput(() => run([masks, '--truth', truth, '--json', out]));
  t.equal(code, 0);
  t.match(stdout, /2 images scored \(8 true objects\)/);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  t.match(json.images[0], { file: join(masks, 'a.png'), truth: join(truth, 'a.png'), f1At05: 1, dsbScore: 1 });
  t.match(json.images[1], { truthObjects: 4, predictedObjects: 3, merges: 1, splits: 0, countErrorPct: 25 });
  const expected = summarizeScores([scoreObjects(TRUTH, TRUTH), scoreObjects(TRUTH, MERGED)]);
  t.same(json.summary, expected);
  // The merged object still matches the larger of its two discs (IoU > 0.5): 7 matches of 4 + 4 true, 4 + 3 found.
  t.equal(json.summary.f1At05, Number(((2 * 7) / 15).toFixed(4)));
  t.same(json.missing, []);
});

t.test('every truth image needs a prediction; images that cannot be scored fail alone, named', async (t) => {
  const { dir, truth, masks, out } = await folders(t);
  await writeLabels(join(truth, 'a.png'), TRUTH);
  await writeLabels(join(truth, 'unpredicted.png'), TRUTH);
  await writeLabels(join(truth, 'small.png'), new Int32Array(32 * 32), 32, 32);
  await writeLabels(join(masks, 'a.png'), TRUTH);
  await writeLabels(join(masks, 'small.png'), TRUTH);
  await writeLabels(join(masks, 'stray.png'), TRUTH);
  writeFileSync(join(masks, 'broken.png'), 'not a png');
  writeFileSync(join(truth, 'broken.png'), 'not a png either');
  const { code } = await captureOutput(() => run([masks, '--truth', truth, '--json', out]));
  t.equal(code, 1);
  const json = JSON.parse(readFileSync(out, 'utf8'));
  const byName = Object.fromEntries(json.images.map((i: { file: string }) => [i.file.slice(masks.length + 1), i]));
  t.match(byName['a.png'], { f1At05: 1 });
  t.match(byName['broken.png'], { error: /broken\.png/ });
  t.match(byName['small.png'], { error: /is 64×48, its truth .*small\.png is 32×32/ });
  t.match(byName['stray.png'], { error: /no truth label image named 'stray'/ });
  t.same(json.missing, [join(truth, 'unpredicted.png')]);
  t.equal(json.summary.images, 1, 'only what was scored is pooled');

  t.equal((await captureOutput(() => run([masks]))).code, 2, 'no --truth: usage');
  await t.rejects(run([masks, '--truth', join(dir, 'nowhere')]), { message: /no such file or directory/ });
});

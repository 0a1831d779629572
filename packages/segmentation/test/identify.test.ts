import t from 'tap';
import { identifyObjects } from '../src/identify.js';
import { connectRuns, findRuns } from '../src/runs.js';

function maskOf(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0]!.length;
  const mask = Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
  return { mask, width, height: rows.length };
}

t.test('runs connect with 8-connectivity', async (t) => {
  const { mask, width, height } = maskOf(['##..#', '..#..', '.....', '##.##']);
  const runs = findRuns(mask, width, height);
  t.equal(runs.count, 5);
  const { component, count } = connectRuns(runs);
  t.equal(count, 4, 'the diagonal touch joins row 1 to the first run of row 0');
  t.same(Array.from(component), [0, 1, 0, 2, 3]);
});

t.test('runs of background connect with 4-connectivity when asked: a diagonal touch does not join them', async (t) => {
  const { mask, width, height } = maskOf(['#.##', '.#.#', '####']);
  const gaps = findRuns(mask, width, height, 0, false);
  t.same(
    [Array.from(gaps.y.subarray(0, gaps.count)), Array.from(gaps.x0.subarray(0, gaps.count))],
    [
      [0, 1, 1],
      [1, 0, 2],
    ],
  );
  t.same(Array.from(connectRuns(gaps, 4).component), [0, 1, 2], 'three regions, only diagonally in touch');
  t.same(Array.from(connectRuns(gaps).component), [0, 0, 0], 'one region with 8-connectivity');
});

t.test('holes are filled up to maxHoleArea; tiny objects dropped; pieces numbered in raster order', async (t) => {
  const { mask, width, height } = maskOf([
    '..........',
    '.#####....',
    '.#...#..#.',
    '.#...#....',
    '.#####....',
    '..........',
  ]);
  const opts = { minArea: 2, maxArea: 100, maxHoleArea: 6, clearBorder: false, minDynamic: 1 };
  const filled = identifyObjects(mask, width, height, 0, opts);
  t.equal(filled.count, 1, 'the single pixel is under minArea');
  t.equal(filled.labels.filter((l) => l === 1).length, 20, 'the 3x2 hole is filled');
  const open = identifyObjects(mask, width, height, 0, { ...opts, maxHoleArea: 5 });
  t.equal(open.labels.filter((l) => l === 1).length, 14, 'a hole over the limit stays open');
});

import t from 'tap';
import { DSB_THRESHOLDS, matchObjects, scoreObjects, summarizeScores } from '../src/evaluate.js';

const W = 20;
/** A label image from rectangles [label, x0, y0, x1, y1) (later ones overwrite earlier ones). */
function labels(rects: [number, number, number, number, number][]): Int32Array {
  const out = new Int32Array(W * W);
  for (const [l, x0, y0, x1, y1] of rects)
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * W + x] = l;
  return out;
}

// Truth: three 4×4 squares (16 px each).
const truth = labels([
  [1, 0, 0, 4, 4],
  [2, 10, 0, 14, 4],
  [3, 0, 10, 4, 14],
]);

t.test('F1 at IoU 0.5: a match needs IoU above the threshold', async (t) => {
  // 1: exact; 2: shifted by one column (IoU 12/20 = 0.6); 3: shifted by two (IoU 8/24 = 0.33); 4: a false positive.
  const predicted = labels([
    [7, 0, 0, 4, 4],
    [8, 11, 0, 15, 4],
    [9, 2, 10, 6, 14],
    [4, 16, 16, 19, 19],
  ]);
  const a = matchObjects(truth, predicted);
  t.same(a, { truth: 3, predicted: 4, matched: 2, f1: (2 * 2) / 7 });
  t.equal(matchObjects(truth, predicted, 0.6).matched, 1, 'IoU 0.6 is not above 0.6');
  t.equal(matchObjects(truth, truth).f1, 1);
  t.equal(matchObjects(new Int32Array(4), new Int32Array(4)).f1, 1, 'nothing to find, nothing found');
});

t.test('splits and merges', async (t) => {
  // Truth 1 split into two halves; truths 2 and 3 … merged by one object spanning both.
  const truthRow = labels([
    [1, 0, 0, 4, 4],
    [2, 10, 0, 14, 4],
    [3, 14, 0, 18, 4],
  ]);
  const predicted = labels([
    [1, 0, 0, 2, 4],
    [2, 2, 0, 4, 4],
    [3, 10, 0, 18, 4],
  ]);
  const s = scoreObjects(truthRow, predicted);
  t.equal(s.splits, 1);
  t.equal(s.merges, 1);
  t.same(
    s.matched,
    DSB_THRESHOLDS.map(() => 0),
    'halves (IoU 0.5) and a merge (0.5) match at no threshold',
  );
  t.equal(scoreObjects(truthRow, truthRow).splits + scoreObjects(truthRow, truthRow).merges, 0);
});

t.test('matches per DSB threshold, AP per image, pooled F1 and count error', async (t) => {
  // Truth 1 exact, truth 2 at IoU 0.6, truth 3 missed; one false positive.
  const predicted = labels([
    [1, 0, 0, 4, 4],
    [2, 11, 0, 15, 4],
    [5, 16, 16, 19, 19],
  ]);
  const s = scoreObjects(truth, predicted);
  // IoU 0.6 is above 0.5 and 0.55 only; the exact one matches at every threshold.
  t.same(s.matched, [2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
  const perfect = scoreObjects(truth, truth);
  const sum = summarizeScores([s, perfect]);
  // Pooled F1: 2·(2 + 3) / (3 + 3 + 3 + 3) = 10/12.
  t.equal(sum.f1At05, Number((10 / 12).toFixed(4)));
  // AP50 per image: 2 / (2 + 1 + 1) = 0.5 and 1 → 0.75.
  t.equal(sum.ap50, 0.75);
  // DSB: image 1 averages 2/4, 2/4, then 1/(1 + 2 + 2) = 0.2 eight times → (1 + 1.6) / 10 = 0.26; image 2: 1.
  t.equal(sum.dsbScore, 0.63);
  // Counts: 3 predicted for 3 true, and 3 for 3 → 0 %.
  t.equal(sum.countErrorPct, 0);
  t.same(
    { images: sum.images, nuclei: sum.nuclei, splits: sum.splits, merges: sum.merges },
    {
      images: 2,
      nuclei: 6,
      splits: 0,
      merges: 0,
    },
  );
  const under = scoreObjects(truth, labels([[1, 0, 0, 2, 2]]));
  t.equal(summarizeScores([under]).countErrorPct, Number(((100 * 2) / 3).toFixed(2)), '1 of 3 found: 66.67 %');
});

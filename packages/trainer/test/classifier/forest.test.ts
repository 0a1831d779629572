import t from 'tap';
import type { Samples } from '../../src/classifier/dataset.js';
import { DEFAULT_FOREST_OPTIONS, type DecisionTree, predictForest, trainForest } from '../../src/classifier/forest.js';
import { seededRandom } from '../../src/classifier/random.js';
import { accuracy, ring } from './toy-sets.js';

function depth(tree: DecisionTree, node = 0): number {
  if (tree.feature[node]! < 0) return 0;
  return 1 + Math.max(depth(tree, tree.left[node]!), depth(tree, tree.right[node]!));
}

t.test('the forest learns a non-linear boundary on raw features of any scale', async (t) => {
  const forest = await trainForest(ring(3000, 1), { ...DEFAULT_FOREST_OPTIONS, trees: 30 });
  t.ok(accuracy(ring(1000, 2), (row) => predictForest(forest, row)) > 0.95, 'held-out accuracy');
  t.equal(forest.trees.length, 30);
  t.match(forest, { features: 3, classCount: 2, maxDepth: DEFAULT_FOREST_OPTIONS.maxDepth });
  const p = predictForest(forest, [0, 0, 0.5]);
  t.ok(Math.abs(p[0]! + p[1]! - 1) < 1e-6 && p[1]! > 0.9, 'probabilities sum to 1; the ring’s centre is class 1');
});

t.test('training is deterministic given the seed', async (t) => {
  const train = ring(800, 3);
  const options = { ...DEFAULT_FOREST_OPTIONS, trees: 5, seed: 9 };
  const a = await trainForest(train, options);
  t.same(await trainForest(train, options), a);
  t.notSame(await trainForest(train, { ...options, seed: 10 }), a);
});

t.test('depth is bounded; leaves hold class probabilities', async (t) => {
  const forest = await trainForest(ring(2000, 4), { ...DEFAULT_FOREST_OPTIONS, trees: 4, maxDepth: 3 });
  for (const tree of forest.trees) {
    t.ok(depth(tree) <= 3 && depth(tree) > 0, `depth ${depth(tree)}`);
    tree.feature.forEach((f, n) => {
      const leaf = Array.from(tree.leafValues.subarray(n * 2, n * 2 + 2));
      if (f < 0) t.ok(Math.abs(leaf[0]! + leaf[1]! - 1) < 1e-6, `leaf ${n} sums to 1`);
      else t.same(leaf, [0, 0], `branch ${n} has no values`);
    });
  }
  const stump = await trainForest(ring(2000, 4), { ...DEFAULT_FOREST_OPTIONS, trees: 1, minLeaf: 1500 });
  t.equal(stump.trees[0]!.feature.length, 1, 'no split leaves 1500 rows on both sides: a single leaf');
});

t.test('class-balanced: a rare class is not drowned by a frequent one', async (t) => {
  // Two overlapping 1-D Gaussians, 20:1. Unweighted, most of the rare class's side would still vote majority.
  function skewed(count: number, seed: number): Samples {
    const random = seededRandom(seed);
    const features = new Float32Array(count);
    const classes = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      classes[i] = i % 21 === 0 ? 1 : 0;
      const u = random() + random() + random() - 1.5;
      features[i] = classes[i] === 1 ? 1 + u : u;
    }
    return { features, classes, count, width: 1, classCount: 2 };
  }
  const forest = await trainForest(skewed(4200, 5), { ...DEFAULT_FOREST_OPTIONS, trees: 20 });
  t.ok(predictForest(forest, [0.9])[1]! > 0.5, 'the rare class wins on its own side of the overlap');
  t.ok(predictForest(forest, [0.1])[0]! > 0.5, 'the frequent class on its side');
});

t.test('three classes: each is the most probable on its own interval', async (t) => {
  const random = seededRandom(6);
  const count = 900;
  const features = Float32Array.from({ length: count }, () => random() * 3);
  const classes = Uint8Array.from(features, (x) => Math.min(2, Math.floor(x)));
  const forest = await trainForest({ features, classes, count, width: 1, classCount: 3 }, DEFAULT_FOREST_OPTIONS);
  t.same(
    [0.5, 1.5, 2.5].map((x) => {
      const p = predictForest(forest, [x]);
      return p.indexOf(Math.max(...p));
    }),
    [0, 1, 2],
  );
});

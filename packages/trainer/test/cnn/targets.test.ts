import t from 'tap';
import {
  BACKGROUND,
  BOUNDARY,
  BOUNDARY_WEIGHT,
  INTERIOR,
  instanceTargets,
  TOUCHING_WEIGHT,
} from '../../src/cnn/targets.js';

// Two 4×4 nuclei side by side (columns 1–4 and 5–8) on an 10 × 6 field.
const W = 10;
const H = 6;
const labels = new Uint16Array(W * H);
for (let y = 1; y < 5; y++) for (let x = 1; x < 9; x++) labels[y * W + x] = x < 5 ? 1 : 2;

const grid = (plane: ArrayLike<number>) =>
  Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => plane[y * W + x]).join(''));

t.test('interior, a one-pixel boundary ring, background; touching nuclei parted by two boundary columns', async (t) => {
  const { classes, weights } = instanceTargets(labels, W, H);
  t.same(grid(classes), ['0000000000', '0222222220', '0211221120', '0211221120', '0222222220', '0000000000']);
  t.equal(classes[0], BACKGROUND);
  t.equal(classes[2 * W + 2], INTERIOR);
  t.equal(classes[W + 1], BOUNDARY);
  // Weights: background and interior 1, an outer boundary BOUNDARY_WEIGHT, where the two nuclei touch TOUCHING_WEIGHT.
  t.equal(weights[0], 1);
  t.equal(weights[2 * W + 2], 1);
  t.equal(weights[2 * W + 1], BOUNDARY_WEIGHT);
  t.equal(weights[2 * W + 4], TOUCHING_WEIGHT);
  t.equal(weights[2 * W + 5], TOUCHING_WEIGHT);
  // The corner of nucleus 1 next to nucleus 2 diagonally touches it too (8-neighbourhood).
  t.equal(weights[1 * W + 4], TOUCHING_WEIGHT);
  t.ok(TOUCHING_WEIGHT > BOUNDARY_WEIGHT && BOUNDARY_WEIGHT > 1);
});

t.test('pixels outside the valid mask weigh nothing and stay background', async (t) => {
  const valid = new Uint8Array(W * H).fill(1);
  for (let y = 0; y < H; y++) for (let x = 5; x < W; x++) valid[y * W + x] = 0;
  const { classes, weights } = instanceTargets(labels, W, H, valid);
  for (let y = 0; y < H; y++) {
    for (let x = 5; x < W; x++) {
      if (weights[y * W + x] !== 0 || classes[y * W + x] !== 0) t.fail(`(${x},${y}) is counted`);
    }
  }
  // Validity only masks the loss: a nucleus' edge next to an invalid pixel is still judged on its labels.
  t.equal(classes[2 * W + 4], BOUNDARY);
  t.equal(weights[2 * W + 4], TOUCHING_WEIGHT);
});

t.test('a nucleus at the image edge: the edge itself is no boundary', async (t) => {
  const edge = new Uint16Array(4 * 4).fill(3);
  const { classes } = instanceTargets(edge, 4, 4);
  t.ok(
    classes.every((c) => c === INTERIOR),
    'a label filling the image is all interior',
  );
});

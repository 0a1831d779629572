import { fileURLToPath } from 'node:url';
import t from 'tap';
import {
  assignSplit,
  loadAnnotatedImage,
  medianDiameter,
  readAnnotatedSet,
  SIZE_GROUP_BOUNDS,
  type SizeGroup,
  sizeGroup,
} from '../../src/datasets/annotated.js';
import { TrainingInputError } from '../../src/errors.js';

const dir = fileURLToPath(new URL('../fixtures/annotated', import.meta.url));

t.test('an annotated set: index and split joined; each image with its instance mask', async (t) => {
  const entries = await readAnnotatedSet(dir);
  t.same(
    entries.map((e) => [e.stem, e.width, e.height, e.split, e.group]),
    [
      ['a-small', 48, 48, 'train', 'small'],
      ['b-small', 48, 48, 'train', 'small'],
      ['c-medium', 48, 48, 'train', 'medium'],
      ['d-medium', 48, 48, 'validation', 'medium'],
    ],
  );
  for (const entry of entries) {
    const { image, labels } = await loadAnnotatedImage(dir, entry);
    t.equal(image.width, 48);
    t.ok(labels instanceof Uint16Array, '16-bit labels');
    // The split's diameter is the mask's median equivalent diameter, and the group follows from it.
    t.ok(Math.abs(medianDiameter(labels) - entry.diameter) < 0.01, `${entry.stem}: ${entry.diameter} px`);
    t.equal(sizeGroup(entry.diameter), entry.group);
    // The image is bright exactly where the mask has a nucleus.
    const wrong = labels.filter((l, i) => l > 0 !== image.data[i]! > 2000).length;
    t.equal(wrong, 0, `${entry.stem}: image and mask agree`);
  }
});

t.test('a stem missing from split.csv is refused, naming it', async (t) => {
  const { cp, mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const copy = await mkdtemp(`${tmpdir()}/annotated-`);
  await cp(dir, copy, { recursive: true });
  await writeFile(`${copy}/split.csv`, 'stem,split,group,diameter\na-small,train,small,10.16\n');
  await t.rejects(readAnnotatedSet(copy), { constructor: TrainingInputError, message: /no row for 'b-small'/ });
});

t.test('size groups: under 14 px small, from 30 px large', async (t) => {
  t.equal(sizeGroup(SIZE_GROUP_BOUNDS.small - 0.01), 'small');
  t.equal(sizeGroup(SIZE_GROUP_BOUNDS.small), 'medium');
  t.equal(sizeGroup(SIZE_GROUP_BOUNDS.large - 0.01), 'medium');
  t.equal(sizeGroup(SIZE_GROUP_BOUNDS.large), 'large');
  t.equal(medianDiameter(new Uint16Array(9)), 0, 'no nucleus, no diameter');
  // Two objects of 4 and 16 px: median of the equivalent diameters 2·√(a/π).
  const two = Uint16Array.from([1, 1, 1, 1, ...new Array(16).fill(2)]);
  t.ok(Math.abs(medianDiameter(two) - (2 * Math.sqrt(4 / Math.PI) + 2 * Math.sqrt(16 / Math.PI)) / 2) < 1e-9);
});

const rows = (n: number, prefix = 'img') =>
  Array.from({ length: n }, (_, i) => ({
    stem: `${prefix}${i}`,
    group: (['small', 'medium', 'large'] as SizeGroup[])[i % 3]!,
  }));

t.test('the split: a fifth of each size group for validation, a tenth of the rest for tuning', async (t) => {
  const all = rows(300);
  const split = assignSplit(all);
  for (const group of ['small', 'medium', 'large'] as const) {
    const mine = all.filter((r) => r.group === group).map((r) => split.get(r.stem));
    t.equal(mine.filter((s) => s === 'validation').length, 20, `${group}: 20 of 100 for validation`);
    t.equal(mine.filter((s) => s === 'tune').length, 8, `${group}: 8 of the other 80 for tuning`);
  }
  t.same(assignSplit([...all].reverse()), split, 'independent of the order of the rows');
});

t.test(
  'adding images keeps the other images in their split',
  { todo: 'assignSplit ranks images within a group: 3 stems added to 300 move 78 of them' },
  async (t) => {
    const before = assignSplit(rows(300));
    const after = assignSplit([...rows(300), ...rows(3, 'new')]);
    const moved = [...before].filter(([stem, s]) => after.get(stem) !== s).length;
    t.equal(moved, 0, `${moved} of 300 images changed split`);
  },
);

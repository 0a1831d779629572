import t from 'tap';
import { type InstanceOptions, instancesFromClasses, nucleusArea } from '../src/instances.js';

const W = 48;
const H = 32;
const options: InstanceOptions = {
  diameter: 12,
  minAreaFraction: 0.1,
  maxAreaFraction: 30,
  maxHoleFraction: 0.5,
  clearBorder: false,
  seedProbability: 0.5,
  seedDynamicFraction: 0,
};

/** Class planes of discs: interior inside, a one-pixel boundary ring (probability 0.9) at the edge. */
function planes(discs: { x: number; y: number; r: number }[]) {
  const interior = new Float32Array(W * H);
  const boundary = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (const d of discs) {
        const dist = Math.hypot(x - d.x, y - d.y);
        if (dist <= d.r - 1) interior[y * W + x] = 0.9;
        else if (dist <= d.r) boundary[y * W + x] = 0.9;
      }
    }
  }
  // Where rings overlap an interior, the interior is not confident (the network draws boundary between nuclei).
  for (let i = 0; i < W * H; i++) if (boundary[i]! > 0) interior[i] = 0.05;
  return { interior, boundary };
}

const labelsAt = (labels: Int32Array, x: number, y: number) => labels[y * W + x]!;

t.test('two touching discs parted by a boundary ring are two nuclei, each whole', async (t) => {
  const { interior, boundary } = planes([
    { x: 14, y: 16, r: 7 },
    { x: 27, y: 16, r: 7 },
  ]);
  const { labels, count } = instancesFromClasses(interior, boundary, W, H, options);
  t.equal(count, 2);
  const left = labelsAt(labels, 14, 16);
  const right = labelsAt(labels, 27, 16);
  t.ok(left > 0 && right > 0 && left !== right, 'each centre in its own object');
  // The boundary pixels belong to a nucleus (grown over): the objects cover interior and ring.
  const areas = [0, 0, 0];
  for (const l of labels) areas[l]!++;
  const disc = nucleusArea(14);
  for (const k of [1, 2]) t.ok(areas[k]! > 0.8 * disc && areas[k]! < 1.1 * disc, `object ${k}: ${areas[k]} px`);
  t.equal(labelsAt(labels, 0, 0), 0, 'background stays 0');
  // Without the ring the same foreground is one object: the boundary class is what separates them.
  const merged = planes([
    { x: 14, y: 16, r: 7 },
    { x: 27, y: 16, r: 7 },
  ]);
  for (let i = 0; i < W * H; i++) {
    if (merged.boundary[i]! > 0 && i % W > 18 && i % W < 23) {
      merged.interior[i] = 0.9;
      merged.boundary[i] = 0;
    }
  }
  t.equal(instancesFromClasses(merged.interior, merged.boundary, W, H, options).count, 1);
});

t.test('a region drawn all boundary (no seed) is kept as one object', async (t) => {
  const interior = new Float32Array(W * H);
  const boundary = new Float32Array(W * H);
  for (let y = 10; y < 18; y++) for (let x = 10; x < 18; x++) boundary[y * W + x] = 0.8;
  const { labels, count } = instancesFromClasses(interior, boundary, W, H, options);
  t.equal(count, 1);
  t.equal(labels.filter((l) => l === 1).length, 64);
});

t.test('holes up to maxHoleFraction of a nucleus are filled, larger ones are not', async (t) => {
  const ring = (hole: number) => {
    const interior = new Float32Array(W * H);
    const boundary = new Float32Array(W * H);
    for (let y = 4; y < 28; y++) for (let x = 4; x < 28; x++) interior[y * W + x] = 0.9;
    const h0 = 16 - (hole >> 1);
    for (let y = h0; y < h0 + hole; y++) for (let x = h0; x < h0 + hole; x++) interior[y * W + x] = 0;
    return { interior, boundary };
  };
  const area = nucleusArea(options.diameter); // 113 px: holes up to 56 px are filled
  const small = ring(6); // 36 px
  const a = instancesFromClasses(small.interior, small.boundary, W, H, options);
  t.equal(a.count, 1);
  t.equal(a.labels.filter((l) => l === 1).length, 24 * 24, 'a 36 px hole is filled');
  const large = ring(8); // 64 px > area / 2
  t.ok(64 > 0.5 * area);
  const b = instancesFromClasses(large.interior, large.boundary, W, H, options);
  t.equal(b.labels.filter((l) => l === 1).length, 24 * 24 - 64, 'a 64 px hole stays');
});

t.test('a hole is filled only when one nucleus alone encloses it (4-connected, off the border)', async (t) => {
  const square = (x0: number, x1: number, interior: Float32Array) => {
    for (let y = 4; y < 28; y++) for (let x = x0; x < x1; x++) interior[y * W + x] = 0.9;
  };
  // Two nuclei side by side, a 4 × 4 gap cut into both across their meeting column: it touches two of them.
  const shared = new Float32Array(W * H);
  square(4, 20, shared);
  square(20, 36, shared);
  const boundary = new Float32Array(W * H);
  for (let y = 4; y < 28; y++) boundary[y * W + 20] = 0.9;
  for (let y = 4; y < 28; y++) shared[y * W + 20] = 0.05;
  for (let y = 14; y < 18; y++) for (let x = 18; x < 22; x++) [shared[y * W + x], boundary[y * W + x]] = [0, 0];
  const two = instancesFromClasses(shared, boundary, W, H, options);
  t.equal(two.count, 2);
  t.equal(two.labels[15 * W + 19], 0, 'a gap between two nuclei stays background');
  // One nucleus with a hole whose only way out is a diagonal step to a notch open to the outside: enclosed for
  // 4-connectivity, so filled.
  const one = new Float32Array(W * H);
  square(4, 28, one);
  for (let y = 10; y < 13; y++) for (let x = 10; x < 13; x++) one[y * W + x] = 0;
  for (let x = 4; x < 10; x++) one[9 * W + x] = 0;
  const filled = instancesFromClasses(one, new Float32Array(W * H), W, H, options);
  t.equal(filled.count, 1);
  t.equal(filled.labels[11 * W + 11], 1, 'the hole joins its nucleus');
  t.equal(filled.labels[9 * W + 5], 0, 'the notch, open to the outside, stays background');
});

t.test('the minimum area is a fraction of the typical nucleus, so it follows the diameter', async (t) => {
  // A 5×5 speck (25 px) next to a nucleus: kept at d = 12 (min 11 px), dropped at d = 24 (min 45 px).
  const { interior, boundary } = planes([{ x: 30, y: 16, r: 7 }]);
  for (let y = 3; y < 8; y++) for (let x = 3; x < 8; x++) interior[y * W + x] = 0.9;
  t.equal(instancesFromClasses(interior, boundary, W, H, options).count, 2);
  t.equal(instancesFromClasses(interior, boundary, W, H, { ...options, diameter: 24 }).count, 1);
  // And the maximum: the 7-px-radius disc (~150 px) is over 1 nucleus area at d = 8 (50 px).
  t.equal(instancesFromClasses(interior, boundary, W, H, { ...options, diameter: 8, maxAreaFraction: 1 }).count, 1);
});

t.test('clearBorder drops objects touching the edge; labels are 1..count in raster order', async (t) => {
  const { interior, boundary } = planes([
    { x: 5, y: 5, r: 6 },
    { x: 30, y: 16, r: 6 },
  ]);
  const all = instancesFromClasses(interior, boundary, W, H, options);
  t.equal(all.count, 2);
  t.equal(labelsAt(all.labels, 5, 5), 1, 'the first object in raster order is 1');
  t.equal(labelsAt(all.labels, 30, 16), 2);
  const cleared = instancesFromClasses(interior, boundary, W, H, { ...options, clearBorder: true });
  t.equal(cleared.count, 1);
  t.equal(labelsAt(cleared.labels, 30, 16), 1, 'renumbered');
  t.equal(labelsAt(cleared.labels, 5, 5), 0);
});

t.test(
  'a seed narrowing to a neck is split in two; another seed group in its box leaves the split as it is',
  async (t) => {
    // Two discs whose confident interiors are joined by a 2 px neck: one seed, two nuclei by its distance map.
    const dumbbell = () => {
      const p = planes([
        { x: 12, y: 16, r: 7 },
        { x: 30, y: 16, r: 7 },
      ]);
      for (let y = 15; y < 17; y++) {
        for (let x = 18; x < 25; x++) {
          p.interior[y * W + x] = 0.9;
          p.boundary[y * W + x] = 0;
        }
      }
      return p;
    };
    const { interior, boundary } = dumbbell();
    t.equal(instancesFromClasses(interior, boundary, W, H, options).count, 1, 'not split without seedDynamicFraction');
    const split = instancesFromClasses(interior, boundary, W, H, { ...options, seedDynamicFraction: 0.1 });
    t.equal(split.count, 2);
    t.not(labelsAt(split.labels, 12, 16), labelsAt(split.labels, 30, 16), 'one nucleus per disc');
    // A speck of interior in the dumbbell's bounding box (above the neck): a seed group of its own, a third nucleus.
    const withSpeck = dumbbell();
    for (let y = 9; y < 13; y++) for (let x = 20; x < 24; x++) withSpeck.interior[y * W + x] = 0.9;
    const both = instancesFromClasses(withSpeck.interior, withSpeck.boundary, W, H, {
      ...options,
      seedDynamicFraction: 0.1,
    });
    t.equal(both.count, 3);
    for (const [x, y] of [
      [12, 16],
      [30, 16],
      [21, 16],
    ] as const) {
      const same = (l: Int32Array) => labelsAt(l, x, y) === labelsAt(l, 12, 16);
      t.equal(same(both.labels), same(split.labels), `(${x}, ${y}) on the same side as before`);
    }
  },
);

import t from 'tap';
import { renderField } from '../src/field.js';

// Byte comparison: tap's deep equality walks typed arrays element by element, far too slowly for images.
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Foreground components above a fixed threshold, 4-connected: what a plain threshold segmenter would count. */
function countComponents(pixels: ArrayLike<number>, width: number, height: number, threshold: number): number {
  const seen = new Uint8Array(width * height);
  let components = 0;
  for (let start = 0; start < seen.length; start++) {
    if (seen[start] || pixels[start]! < threshold) continue;
    components++;
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      for (const j of [i - width, i + width, x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1]) {
        if (j >= 0 && j < seen.length && !seen[j] && pixels[j]! >= threshold) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return components;
}

t.test('the same seed renders the same pixels; another seed does not', async (t) => {
  const a = renderField({ width: 256, height: 256, seed: 7, count: 30 });
  const b = renderField({ width: 256, height: 256, seed: 7, count: 30 });
  const c = renderField({ width: 256, height: 256, seed: 8, count: 30 });
  t.ok(bytes(a.channels[0]).equals(bytes(b.channels[0])), 'channel 1 identical');
  t.ok(bytes(a.channels[1]).equals(bytes(b.channels[1])), 'channel 2 identical');
  t.ok(bytes(a.labels).equals(bytes(b.labels)), 'labels identical');
  t.notOk(bytes(a.channels[0]).equals(bytes(c.channels[0])), 'another seed differs');
});

t.test('the label image holds exactly the requested nuclei, each with its own label', async (t) => {
  const field = renderField({ width: 512, height: 512, seed: 3, count: 120 });
  t.equal(field.count, 120);
  t.equal(field.nuclei.length, 120);
  const labels = new Set(field.labels);
  labels.delete(0);
  t.equal(labels.size, 120, 'every nucleus owns pixels');
  const pairs = field.nuclei.filter((n) => n.touches !== undefined).length / 2;
  t.ok(pairs >= 2, `some touching pairs (${pairs})`);
});

t.test(
  'nuclei are 5–10 px in radius and stand out of the background; touching pairs merge under a threshold',
  async (t) => {
    const field = renderField({ width: 512, height: 512, seed: 11, count: 80 });
    for (const n of field.nuclei) {
      t.ok(Math.sqrt(n.radiusX * n.radiusY) >= 5 - 1e-9 && Math.sqrt(n.radiusX * n.radiusY) <= 10 + 1e-9);
    }
    const pairs = field.nuclei.filter((n) => n.touches !== undefined).length / 2;
    const found = countComponents(field.channels[0], 512, 512, 500);
    t.equal(found, field.count - pairs, 'every separate nucleus is one component; each touching pair is one');
  },
);

t.test('the second stain is brighter over cells than elsewhere (correlated with the nuclei)', async (t) => {
  const field = renderField({ width: 256, height: 256, seed: 5, count: 30 });
  let inside = 0;
  let nInside = 0;
  let outside = 0;
  let nOutside = 0;
  field.labels.forEach((label, i) => {
    if (label > 0) {
      inside += field.channels[1][i]!;
      nInside++;
    } else {
      outside += field.channels[1][i]!;
      nOutside++;
    }
  });
  t.ok(inside / nInside > 2 * (outside / nOutside));
});

t.test('8-bit fields fit in a byte and keep the same geometry', async (t) => {
  const f8 = renderField({ width: 256, height: 256, seed: 9, count: 20, bitDepth: 8 });
  const f16 = renderField({ width: 256, height: 256, seed: 9, count: 20, bitDepth: 16 });
  t.type(f8.channels[0], Uint8Array);
  t.ok(bytes(f8.labels).equals(bytes(f16.labels)));
  t.ok(Math.max(...f8.channels[0]) > 50);
});

t.test('impossible requests are named errors', async (t) => {
  t.throws(() => renderField({ width: 64, height: 64, seed: 1, count: 500 }), { code: 'synthetic_field_too_crowded' });
  t.throws(() => renderField({ width: 16, height: 64, seed: 1, count: 1 }), { code: 'synthetic_invalid_options' });
});

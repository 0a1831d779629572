import t from 'tap';
import { renderField } from '../src/field.js';

// Byte comparison: tap's deep equality walks typed arrays element by element, far too slowly for images.
const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

t.test('the same seed renders the same pixels; another seed does not', async (t) => {
  const a = renderField({ width: 256, height: 256, seed: 7, count: 30 });
  const b = renderField({ width: 256, height: 256, seed: 7, count: 30 });
  const c = renderField({ width: 256, height: 256, seed: 8, count: 30 });
  t.ok(bytes(a.channels[0]).equals(bytes(b.channels[0])), 'channel 1 identical');
  t.ok(bytes(a.channels[1]).equals(bytes(b.channels[1])), 'channel 2 identical');
  t.ok(bytes(a.labels).equals(bytes(b.labels)), 'labels identical');
  t.notOk(bytes(a.channels[0]).equals(bytes(c.channels[0])), 'another seed differs');
});

/** Per label, how many 4-connected regions it forms. */
function regionsPerLabel(labels: ArrayLike<number>, width: number): Map<number, number> {
  const seen = new Uint8Array(labels.length);
  const regions = new Map<number, number>();
  for (let start = 0; start < labels.length; start++) {
    const label = labels[start]!;
    if (label === 0 || seen[start]) continue;
    regions.set(label, (regions.get(label) ?? 0) + 1);
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const i = stack.pop()!;
      const x = i % width;
      for (const j of [i - width, i + width, x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1]) {
        if (j >= 0 && j < labels.length && !seen[j] && labels[j] === label) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
  }
  return regions;
}

/** Foreground components above a fixed threshold, 4-connected: what a plain threshold segmenter would count. */
function countComponents(pixels: ArrayLike<number>, width: number, threshold: number): number {
  return (
    regionsPerLabel(
      Uint8Array.from(pixels, (v) => (v >= threshold ? 1 : 0)),
      width,
    ).get(1) ?? 0
  );
}

/** Pairs of different labels that share a pixel edge: nuclei drawn touching. */
function touchingPairs(labels: Uint16Array, width: number): Set<string> {
  const pairs = new Set<string>();
  for (let i = 0; i < labels.length; i++) {
    const a = labels[i]!;
    if (a === 0) continue;
    const right = (i + 1) % width === 0 ? 0 : (labels[i + 1] ?? 0);
    const below = labels[i + width] ?? 0;
    for (const b of [right, below]) if (b !== 0 && b !== a) pairs.add(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }
  return pairs;
}

const quantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))]!;

t.test('the label image holds exactly the requested nuclei, each one connected region of its own', async (t) => {
  const field = renderField({ width: 512, height: 512, seed: 3, count: 120 });
  t.equal(field.count, 120);
  t.equal(field.nuclei.length, 120);
  const regions = regionsPerLabel(field.labels, 512);
  t.equal(regions.size, 120, 'every nucleus owns pixels');
  t.ok(
    [...regions.values()].every((r) => r === 1),
    'no nucleus is cut in pieces',
  );
  t.equal(
    field.labels.reduce((a, b) => Math.max(a, b), 0),
    120,
    'labels run 1..count',
  );
});

t.test('clumps: nuclei touch their neighbours in the labels, yet stay separate objects', async (t) => {
  const field = renderField({ width: 512, height: 512, seed: 11, count: 100 });
  const attached = field.nuclei.filter((n) => n.touches !== undefined).length;
  t.ok(attached >= 20, `a good share of nuclei in clumps (${attached})`);
  const pairs = touchingPairs(field.labels, 512);
  t.ok(pairs.size >= 10, `labels of different nuclei meet along a boundary (${pairs.size} pairs)`);
  const neighbours = new Map<string, number>();
  for (const pair of pairs) {
    for (const label of pair.split('-')) neighbours.set(label, (neighbours.get(label) ?? 0) + 1);
  }
  t.ok(Math.max(...neighbours.values()) >= 2, 'some nuclei touch two others (clumps, not only pairs)');
  const apart = renderField({ width: 512, height: 512, seed: 11, count: 100, touchingFraction: 0 });
  t.equal(touchingPairs(apart.labels, 512).size, 0, 'touchingFraction 0 keeps every nucleus apart');
});

t.test('sizes and brightness spread within one field', async (t) => {
  const field = renderField({ width: 512, height: 512, seed: 5, count: 120 });
  const radii = field.nuclei.map((n) => Math.sqrt(n.radiusX * n.radiusY)).sort((a, b) => a - b);
  const brightness = field.nuclei.map((n) => n.brightness).sort((a, b) => a - b);
  t.ok(radii[0]! >= 3.5 - 1e-9 && radii.at(-1)! <= 14 + 1e-9, 'radii within 0.5–2× the 7 px median');
  t.ok(quantile(radii, 0.9) / quantile(radii, 0.1) > 1.5, 'large and small nuclei side by side');
  const range = brightness.at(-1)! / brightness[0]!;
  t.ok(range >= 5 && range <= 10, `dim and bright nuclei 5–10× apart (${range.toFixed(1)}×)`);
  const areas = new Map<number, number>();
  for (const l of field.labels) if (l > 0) areas.set(l, (areas.get(l) ?? 0) + 1);
  const sortedAreas = [...areas.values()].sort((a, b) => a - b);
  t.ok(quantile(sortedAreas, 0.9) / quantile(sortedAreas, 0.1) > 2, 'mask areas vary accordingly');
  const plain = renderField({ width: 512, height: 512, seed: 5, count: 120, radiusSpread: 0, brightnessSpread: 0 });
  t.ok(
    plain.nuclei.every((n) => Math.abs(Math.sqrt(n.radiusX * n.radiusY) - 7) < 1e-9 && n.brightness === 1800),
    'spreads of 0 give one size and one brightness',
  );
});

t.test('nuclei are textured, blurred and unevenly lit', async (t) => {
  const opts = { width: 256, height: 256, seed: 21, count: 25, touchingFraction: 0, readNoise: 0 };
  // Variation inside the brightest nucleus's core relative to its mean, with and without texture.
  const coreCv = (field: ReturnType<typeof renderField>) => {
    const target = field.nuclei.reduce((best, n, i) => (n.brightness > field.nuclei[best]!.brightness ? i : best), 0);
    const n = field.nuclei[target]!;
    const values: number[] = [];
    field.labels.forEach((label, i) => {
      const dx = (i % 256) + 0.5 - n.x;
      const dy = Math.floor(i / 256) + 0.5 - n.y;
      if (label === target + 1 && dx * dx + dy * dy < (0.6 * n.radiusY) ** 2) values.push(field.channels[0][i]!);
    });
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) / mean;
  };
  const textured = coreCv(renderField(opts));
  const smooth = coreCv(renderField({ ...opts, texture: 0 }));
  t.ok(textured > smooth + 0.05, `texture varies the interior (cv ${textured.toFixed(3)} vs ${smooth.toFixed(3)})`);

  // Blur: a wider PSF spreads light beyond the masks.
  const glow = (blur: number) => {
    const field = renderField({ ...opts, blur, texture: 0, illumination: 0 });
    let lit = 0;
    field.labels.forEach((label, i) => {
      if (label === 0 && field.channels[0][i]! > 150 * 1.5) lit++;
    });
    return lit;
  };
  t.ok(glow(2) > 2 * glow(0.3), `a wider PSF spreads light beyond the masks (${glow(2)} vs ${glow(0.3)} px)`);

  // Illumination: background at the corners against the centre.
  const cornerRatio = (illumination: number) => {
    const f = renderField({ ...opts, count: 0, illumination });
    // Mean of an 8×8 patch: single pixels carry ~8 % shot noise at this background.
    const at = (x0: number, y0: number) => {
      let sum = 0;
      for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) sum += f.channels[0][y * 256 + x]!;
      return sum / 64;
    };
    return (at(0, 0) + at(248, 0) + at(0, 248) + at(248, 248)) / 4 / at(124, 124);
  };
  t.ok(cornerRatio(1) < 0.92, `corners darker than the centre (${cornerRatio(1).toFixed(2)})`);
  t.ok(Math.abs(cornerRatio(0) - 1) < 0.05, 'illumination 0 is flat');
});

t.test('separate nuclei stand out of the background; clumps merge under a plain threshold', async (t) => {
  const field = renderField({ width: 512, height: 512, seed: 11, count: 80, brightnessSpread: 0, illumination: 0 });
  const found = countComponents(field.channels[0], 512, 600);
  const apart = field.nuclei.filter((n) => n.touches === undefined).length;
  t.ok(found >= apart && found < field.count, `a threshold finds ${found} of ${field.count} (${apart} apart)`);
});

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

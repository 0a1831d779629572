import { readFileSync } from 'node:fs';
import { encodeModel, GraphBuilder, tensor } from '@platescale/onnx';
import t from 'tap';
import { decodeImage, toUnitFloat } from '../src/decode.js';
import { loadModel } from '../src/model.js';
import { DEFAULT_MODEL_PATH, ModelCache } from '../src/model-cache.js';
import { DEFAULT_SEGMENT_OPTIONS, segmentImageSet } from '../src/segment.js';
import { discField, grid } from './helpers/images.js';
import { thresholdClassesModel } from './helpers/models.js';

const models = new ModelCache();
const unit = (data: Uint16Array) => ({ name: 'DNA', data: Float32Array.from(data, (v) => v / 65535) });

t.test('touching nuclei are split, a lone one is not; size and border filters apply', async (t) => {
  const model = await models.fromFile(DEFAULT_MODEL_PATH);
  const discs = [
    { x: 30, y: 30, r: 9 },
    { x: 45, y: 30, r: 9 }, // overlaps the first: a neck, two peaks
    { x: 90, y: 90, r: 10 },
    { x: 100, y: 20, r: 1.5 }, // 9 px: under minArea
    { x: 2, y: 100, r: 7 }, // touches the border
  ];
  const ch = unit(discField(128, 128, discs, 16) as Uint16Array);
  const seg = await segmentImageSet(model, ch, [ch], 128, 128, DEFAULT_SEGMENT_OPTIONS);
  t.equal(seg.table.count, 4, 'pair split, small one dropped');
  const cleared = await segmentImageSet(model, ch, [ch], 128, 128, { ...DEFAULT_SEGMENT_OPTIONS, clearBorder: true });
  t.equal(cleared.table.count, 3, 'border object cleared');
  const big = await segmentImageSet(model, ch, [ch], 128, 128, {
    ...DEFAULT_SEGMENT_OPTIONS,
    objectDiameter: 18,
    maxAreaFraction: 1.2,
  });
  t.equal(big.table.count, 3, 'objects over maxArea dropped');
});

t.test('an empty well (background and noise only) has no nuclei', async (t) => {
  const model = await models.fromFile(DEFAULT_MODEL_PATH);
  let state = 7;
  const data = Uint16Array.from({ length: 256 * 256 }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 1000 + Math.round(40 * (state / 2 ** 31 - 0.5));
  });
  const ch = unit(data);
  const seg = await segmentImageSet(model, ch, [ch], 256, 256, DEFAULT_SEGMENT_OPTIONS);
  t.equal(seg.table.count, 0);
});

t.test('large images run in tiles with the same result as one pass', async (t) => {
  const model = await models.fromFile(DEFAULT_MODEL_PATH);
  const discs = Array.from({ length: 30 }, (_, i) => ({
    x: 12 + (i % 6) * 33,
    y: 12 + Math.floor(i / 6) * 33 + (i % 3),
    r: 8,
  }));
  const ch = unit(discField(200, 180, discs, 16) as Uint16Array);
  const whole = await segmentImageSet(model, ch, [ch], 200, 180, DEFAULT_SEGMENT_OPTIONS);
  const tiled = await segmentImageSet(model, ch, [ch], 200, 180, { ...DEFAULT_SEGMENT_OPTIONS, tileSize: 64 });
  t.equal(whole.table.count, 30);
  t.same(tiled.labels, whole.labels);
});

t.test('the real example field (well D03, DNA) comes near the reference 316 nuclei', async (t) => {
  const file = new URL('../../../test/fixtures/example-human/AS_09125_050116030001_D03f00d0.tif', import.meta.url);
  const img = await decodeImage('d0', readFileSync(file), { maxPixels: 1 << 20 });
  const ch = { name: 'DNA', data: toUnitFloat(img) };
  const seg = await segmentImageSet(
    await models.fromFile(DEFAULT_MODEL_PATH),
    ch,
    [ch],
    img.width,
    img.height,
    DEFAULT_SEGMENT_OPTIONS,
  );
  t.ok(Math.abs(seg.table.count - 316) / 316 <= 0.15, `${seg.table.count} nuclei`);
});

/** Three passes of a (2k+1)-wide box filter along rows and columns: close to a Gaussian of σ ≈ k. */
function boxBlur(data: Uint16Array, width: number, height: number, k: number): Uint16Array {
  let a = Float32Array.from(data);
  const pass = (src: Float32Array, step: number, lines: number, length: number, stride: number) => {
    const out = new Float32Array(src.length);
    for (let l = 0; l < lines; l++) {
      const base = l * stride;
      for (let i = 0; i < length; i++) {
        let sum = 0;
        for (let j = -k; j <= k; j++) sum += src[base + Math.min(length - 1, Math.max(0, i + j)) * step]!;
        out[base + i * step] = sum / (2 * k + 1);
      }
    }
    return out;
  };
  for (let p = 0; p < 3; p++) a = pass(pass(a, 1, height, width, width), width, width, height, 1);
  return Uint16Array.from(a, Math.round);
}

t.test(
  'one model, no parameter changed, finds nuclei from 8 to 160 px across, estimating each field’s scale',
  async (t) => {
    const model = await models.fromFile(DEFAULT_MODEL_PATH);
    for (const d of [8, 20, 60, 160]) {
      const r = d / 2;
      const side = Math.round(6 * 2.5 * r);
      // A 6 × 6 grid with a little jitter in size, one touching pair in the first row.
      const discs = Array.from({ length: 36 }, (_, i) => ({
        x: 1.25 * r + (i % 6) * 2.5 * r - (i === 1 ? 0.5 * r : 0),
        y: 1.25 * r + Math.floor(i / 6) * 2.5 * r,
        r: r * (0.9 + (0.2 * ((i * 7) % 5)) / 4),
      }));
      // Edges soft in proportion to the nucleus, as a nucleus imaged at a higher magnification has (a flat disc
      // with a one-pixel edge at 160 px has its strongest blobs on its outline: a known limit, see the issue note).
      const ch = unit(boxBlur(discField(side, side, discs, 16) as Uint16Array, side, side, Math.ceil(r / 8)));
      const seg = await segmentImageSet(model, ch, [ch], side, side, DEFAULT_SEGMENT_OPTIONS);
      t.equal(seg.diameterSource, 'estimated', `${d} px: diameter estimated`);
      t.ok(Math.abs(Math.log(seg.diameter / d)) < Math.log(1.4), `${d} px: estimated ${seg.diameter.toFixed(1)} px`);
      t.ok(Math.abs(seg.table.count - 36) <= 2, `${d} px: ${seg.table.count} of 36 nuclei`);
    }
  },
);

t.test('a model naming its input channels gets them in its order', async (t) => {
  const g = new GraphBuilder('first-channel');
  const x = g.input('image', 'float32', [1, 2, 'H', 'W']);
  const at = (name: string, v: number) => g.initializer(name, tensor.int64([1], [v]));
  const [first] = g.node('Slice', [x, at('start', 0), at('end', 1), at('axis', 1)]);
  g.output(first!, 'float32', [1, 1, 'H', 'W'], 'foreground');
  const bytes = encodeModel(g.build(), {
    metadata: { 'platescale.output': 'intensity', 'platescale.channels': JSON.stringify(['Stain', 'DNA']) },
  });
  const model = await loadModel('named', bytes);
  const dna = unit(discField(96, 96, grid(4, 96, 6), 16) as Uint16Array);
  const stain = { ...unit(discField(96, 96, grid(9, 96, 6), 16) as Uint16Array), name: 'Stain' };
  const seg = await segmentImageSet(model, dna, [dna, stain], 96, 96, DEFAULT_SEGMENT_OPTIONS);
  t.equal(seg.table.count, 9, 'objects come from the Stain channel, the first the model names');
});

t.test("a 'classes' model runs at its working scale; the diameter is given or estimated, and reported", async (t) => {
  const model = await loadModel('threshold-classes', thresholdClassesModel());
  // 16 discs of 20 px (radius 10, ~314 px each) on a 200² field: at the model's 10 px they are brought to half size.
  const discs = grid(16, 200, 10).map((d) => ({ ...d, x: d.x + 25, y: d.y + 25 }));
  const ch = unit(discField(200, 200, discs, 16) as Uint16Array);
  const area = (seg: { labels: Int32Array; table: { count: number } }) =>
    seg.labels.reduce((a, l) => a + (l > 0 ? 1 : 0), 0) / seg.table.count;

  const given = await segmentImageSet(model, ch, [ch], 200, 200, { ...DEFAULT_SEGMENT_OPTIONS, objectDiameter: 20 });
  t.equal(given.table.count, 16);
  t.equal(given.diameterSource, 'given');
  t.equal(given.diameter, 20);
  t.ok(Math.abs(area(given) / (Math.PI * 100) - 1) < 0.15, `objects back at the image's scale: ${area(given)} px`);

  const estimated = await segmentImageSet(model, ch, [ch], 200, 200, DEFAULT_SEGMENT_OPTIONS);
  t.equal(estimated.table.count, 16);
  t.equal(estimated.diameterSource, 'estimated');
  t.ok(Math.abs(estimated.diameter / 20 - 1) < 0.2, `estimated ${estimated.diameter.toFixed(1)} px`);

  // A given diameter is used as is, never re-estimated: at 80 px the 20 px discs (314 px) are under minAreaFraction (0.1 · 5027 px).
  const big = await segmentImageSet(model, ch, [ch], 200, 200, { ...DEFAULT_SEGMENT_OPTIONS, objectDiameter: 80 });
  t.equal(big.diameter, 80);
  t.equal(big.diameterSource, 'given');
  t.equal(big.table.count, 0, `${big.table.count} objects`);
});

t.test("a 'classes' model on an empty field falls back to its own diameter ('default')", async (t) => {
  const model = await loadModel('threshold-classes', thresholdClassesModel());
  const ch = unit(new Uint16Array(64 * 64).fill(3000));
  const seg = await segmentImageSet(model, ch, [ch], 64, 64, DEFAULT_SEGMENT_OPTIONS);
  t.equal(seg.table.count, 0);
  t.equal(seg.diameterSource, 'default');
  t.equal(seg.diameter, 10);
});

t.test(
  "a large field's diameter estimate is checked on a window of it, then the model runs once over it",
  async (t) => {
    const model = await loadModel('threshold-classes', thresholdClassesModel());
    const shapes: string[] = [];
    const run = model.session.run.bind(model.session);
    model.session.run = ((feeds: Parameters<typeof run>[0], fetches: Parameters<typeof run>[1]) => {
      shapes.push(Object.values(feeds)[0]!.dims.slice(2).join('x'));
      return run(feeds, fetches);
    }) as typeof model.session.run;
    const measure = async (discs: ReturnType<typeof grid>) => {
      shapes.length = 0;
      const ch = unit(discField(1200, 1200, discs, 16) as Uint16Array);
      const seg = await segmentImageSet(model, ch, [ch], 1200, 1200, { ...DEFAULT_SEGMENT_OPTIONS, tileSize: 2048 });
      return { seg, shapes: [...shapes] };
    };

    // 20 px discs all over: the window (512 px at the working scale) holds enough whole ones to measure.
    const dense = await measure(grid(1600, 1200, 10));
    t.equal(dense.seg.table.count, 1600);
    t.equal(dense.seg.diameterSource, 'estimated');
    t.ok(Math.abs(dense.seg.diameter / 20 - 1) < 0.2, `estimated ${dense.seg.diameter.toFixed(1)} px`);
    t.equal(dense.shapes.length, 2, `model runs: ${dense.shapes}`);
    t.equal(dense.shapes[0], '512x512', 'the check runs on a window');

    // Four discs: too few in any window, so the whole field is measured, and that pass is the result.
    const sparse = await measure(grid(4, 1200, 10));
    t.equal(sparse.seg.table.count, 4);
    t.equal(sparse.shapes.length, 2, `model runs: ${sparse.shapes}`);
    t.not(sparse.shapes[1], '512x512');
  },
);

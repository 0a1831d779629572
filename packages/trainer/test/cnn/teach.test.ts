import { readFile } from 'node:fs/promises';
import { encodeModel, GraphBuilder } from '@platescale/onnx';
import {
  classPlanes,
  DEFAULT_MODEL_PATH,
  DEFAULT_SEGMENT_OPTIONS,
  estimateDiameter,
  loadModel,
  normalizeImage,
  segmentImageSet,
} from '@platescale/segmentation';
import t from 'tap';
import { decodeNetwork, encodeNetwork } from '../../src/cnn/export.js';
import { DEFAULT_FINE_TUNE, fineTunedLayers } from '../../src/cnn/finetune.js';
import { NUCLEI_NETWORK } from '../../src/cnn/nuclei.js';
import { type StrokedImage, teachNetwork } from '../../src/cnn/teach.js';
import { TrainingInputError } from '../../src/errors.js';
import { discGrid, discStrokes } from '../fixtures/discs.js';
import { randomNetwork, TINY_SPEC } from '../fixtures/networks.js';

const SIDE = 48;
const field = discGrid(SIDE, 12);

const image = (over: Partial<StrokedImage> = {}): StrokedImage => ({
  name: 'discs',
  data: field.data,
  width: SIDE,
  height: SIDE,
  labels: discStrokes(field.labels, SIDE),
  diameter: 12,
  ...over,
});

/** Share of stroked pixels the model gives the stroked class. */
async function strokeAccuracy(bytes: Uint8Array, labels: Uint8Array): Promise<number> {
  const model = await loadModel('m', bytes);
  const planes = await classPlanes(model, [normalizeImage(field.data, SIDE, SIDE)], SIDE, SIDE, 12);
  await model.session.release();
  let right = 0;
  let all = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!labels[i]) continue;
    let best = 0;
    for (let c = 1; c < 3; c++) if (planes[c]![i]! > planes[best]![i]!) best = c;
    all++;
    if (best === labels[i]! - 1) right++;
  }
  return right / all;
}

t.test('fine-tuning adapts the last full-resolution convolutions and the head', async (t) => {
  t.same(fineTunedLayers(randomNetwork(1)), ['dec0_0', 'logits']);
  const deeper = { ...randomNetwork(1), spec: { ...TINY_SPEC, decoderConvs: 2 } };
  t.same(fineTunedLayers(deeper), ['dec0_0', 'dec0_1', 'logits']);
  t.same(fineTunedLayers({ ...randomNetwork(1), spec: NUCLEI_NETWORK }), ['dec0_0', 'logits']);
});

t.test(
  'teaching changes only the tail layers, keeps the frozen ones bit for bit, and learns the strokes',
  async (t) => {
    const base = randomNetwork(2);
    const baseBytes = encodeNetwork(base);
    const opts = { ...DEFAULT_FINE_TUNE, steps: 150, learningRate: 0.01, distillation: 0.3, classBalance: true };
    const { model, bytes, diameters } = await teachNetwork(baseBytes, [image()], opts, { objects: 'Cells' });
    t.same(diameters, [12], 'the given diameter is used');
    const tuned = new Set(fineTunedLayers(base));
    for (const [name, w] of Object.entries(base.weights)) {
      const after = model.weights[name]!;
      if (tuned.has(name)) t.notSame(after.kernel, w.kernel, `${name} changed`);
      else {
        t.same(after.kernel, w.kernel, `${name} kernel frozen`);
        t.same(after.bias, w.bias, `${name} bias frozen`);
      }
    }
    t.same(decodeNetwork(bytes)!.weights, model.weights, 'the bytes hold the taught weights');
    t.equal(model.objects, 'Cells');
    const before = await strokeAccuracy(baseBytes, image().labels);
    const taught = await strokeAccuracy(bytes, image().labels);
    t.ok(taught > before + 0.3 && taught > 0.7, `stroked pixels right: ${before.toFixed(2)} → ${taught.toFixed(2)}`);
    const again = await teachNetwork(baseBytes, [image()], opts, { objects: 'Cells' });
    t.same(Buffer.from(again.bytes), Buffer.from(bytes), 'deterministic');
  },
);

t.test('a stroke on a nucleus teaches foreground: whether interior or boundary is left to the model', async (t) => {
  const baseBytes = encodeNetwork(randomNetwork(3));
  // Every pixel of every disc stroked as a nucleus, the outline included, and a background band.
  const labels = field.labels.reduce(
    (s, l, i) => {
      s[i] = l ? 2 : i < 3 * SIDE ? 1 : 0;
      return s;
    },
    new Uint8Array(SIDE * SIDE),
  );
  const outline = (i: number) => {
    const l = field.labels[i]!;
    return l !== 0 && [i - 1, i + 1, i - SIDE, i + SIDE].some((j) => field.labels[j] !== l);
  };
  /** Mean foreground probability over the stroked nuclei, and the boundary share of it on their outlines. */
  const shares = async (bytes: Uint8Array) => {
    const model = await loadModel('m', bytes);
    const [, interior, boundary] = await classPlanes(model, [normalizeImage(field.data, SIDE, SIDE)], SIDE, SIDE, 12);
    await model.session.release();
    let foreground = 0;
    let nuclei = 0;
    let share = 0;
    let edges = 0;
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== 2) continue;
      const f = interior![i]! + boundary![i]!;
      foreground += f;
      nuclei++;
      if (outline(i)) {
        share += boundary![i]! / f;
        edges++;
      }
    }
    return { foreground: foreground / nuclei, boundaryShare: share / edges };
  };
  const opts = { ...DEFAULT_FINE_TUNE, steps: 100, learningRate: 0.01, distillation: 0.3 };
  const teach = async (objectStrokes: 'foreground' | 'interior') =>
    shares((await teachNetwork(baseBytes, [image({ labels })], { ...opts, objectStrokes })).bytes);
  const before = await shares(baseBytes);
  const foreground = await teach('foreground');
  const interior = await teach('interior');
  const fmt = (s: typeof before) => `${s.foreground.toFixed(2)} / ${s.boundaryShare.toFixed(2)}`;
  t.comment(
    `foreground / outline boundary share: base ${fmt(before)}, foreground ${fmt(foreground)}, interior ${fmt(interior)}`,
  );
  t.ok(foreground.foreground > before.foreground + 0.2, 'both learn that the stroked pixels are nuclei');
  t.ok(interior.foreground > before.foreground + 0.2);
  t.ok(interior.boundaryShare < 0.5 * before.boundaryShare, "'interior' teaches the outlines away");
  t.ok(foreground.boundaryShare > 2 * interior.boundaryShare, "'foreground' keeps them the model's");
});

t.test(
  'without a diameter it is the one a job runs the base at; an empty image or a non-network base is refused',
  async (t) => {
    const baseBytes = await readFile(DEFAULT_MODEL_PATH);
    const opts = { ...DEFAULT_FINE_TUNE, steps: 1, learningRate: 0.01, distillation: 0.3, classBalance: true };
    const { diameters } = await teachNetwork(baseBytes, [image({ diameter: undefined })], opts);
    t.ok(Math.abs(diameters[0]! / 12 - 1) < 0.2, `estimated ${diameters[0]!.toFixed(1)} px`);
    // 30 px discs, which the blob estimate alone reads as ~23 px: the base model's own nuclei correct it, as in a job.
    const large = discGrid(128, 30);
    const blob = estimateDiameter(normalizeImage(large.data, 128, 128), 128, 128).diameter!;
    t.ok(Math.abs(Math.log(blob / 30)) > Math.log(1.2), `the blob estimate alone: ${blob.toFixed(1)} px`);
    const taught = await teachNetwork(
      baseBytes,
      [{ name: 'large', data: large.data, width: 128, height: 128, labels: discStrokes(large.labels, 128) }],
      opts,
    );
    const base = await loadModel('base', baseBytes);
    const channel = { name: 'DNA', data: large.data };
    const job = await segmentImageSet(base, channel, [channel], 128, 128, DEFAULT_SEGMENT_OPTIONS);
    await base.session.release();
    t.equal(
      taught.diameters[0],
      job.diameter,
      `the diameter a job runs the base model at: ${job.diameter.toFixed(1)} px`,
    );
    t.ok(Math.abs(Math.log(job.diameter / 30)) < Math.log(1.2), 'within 20 % of the truth');
    const empty = image({ diameter: undefined, data: new Float32Array(SIDE * SIDE).fill(0.2), name: 'blank' });
    await t.rejects(teachNetwork(baseBytes, [empty], opts), {
      constructor: TrainingInputError,
      field: 'objectDiameter',
      message: /no nucleus found in 'blank'/,
    });
    const g = new GraphBuilder('identity');
    const x = g.input('x', 'float32', [1, 1, 'H', 'W']);
    g.output(g.node('Identity', [x])[0]!, 'float32', [1, 1, 'H', 'W']);
    await t.rejects(teachNetwork(encodeModel(g.build()), [image()], opts), {
      constructor: TrainingInputError,
      field: 'base',
      message: /not a network model/,
    });
  },
);

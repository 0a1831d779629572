import { encodeModel, GraphBuilder, readModelMetadata } from '@platescale/onnx';
import { DEFAULT_SEGMENT_OPTIONS, loadModel, MODEL_METADATA, segmentImageSet } from '@platescale/segmentation';
import ort from 'onnxruntime-node';
import t from 'tap';
import { seededRandom } from '../../src/classifier/random.js';
import { decodeNetwork, encodeNetwork } from '../../src/cnn/export.js';
import { forward, toVariables } from '../../src/cnn/forward.js';
import { LOGITS, receptiveRadius } from '../../src/cnn/network.js';
import { tensorflow } from '../../src/cnn/tf.js';
import { randomNetwork, TINY_SPEC, thresholdNetwork } from '../fixtures/networks.js';

t.test('the ONNX graph computes what the tfjs forward pass computes (within 1e-4)', async (t) => {
  const tf = await tensorflow();
  const model = randomNetwork(3);
  const w = 24;
  const h = 16;
  const random = seededRandom(9);
  const input = Float32Array.from({ length: w * h }, () => random() * 1.5 - 0.25);
  const vars = toVariables(tf, TINY_SPEC, model.weights);
  const expected = tf.tidy(() => {
    const logits = forward(tf, TINY_SPEC, vars, tf.tensor4d(input, [1, h, w, 1])).get(LOGITS)!;
    // NHWC → NCHW, as the ONNX output is laid out.
    return tf.transpose(tf.softmax(logits), [0, 3, 1, 2]).dataSync() as Float32Array;
  });
  for (const v of vars.list) v.dispose();
  const session = await ort.InferenceSession.create(encodeNetwork(model));
  const result = await session.run({ image: new ort.Tensor('float32', input, [1, 1, h, w]) });
  const got = result.classes!.data as Float32Array;
  await session.release();
  t.equal(got.length, 3 * w * h);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
  t.ok(worst < 1e-4, `largest difference ${worst.toExponential(2)}`);
  // The probabilities are not all alike (a network of zeros would pass the comparison too).
  const spread = Math.max(...got) - Math.min(...got);
  t.ok(spread > 0.1, `probabilities spread over ${spread.toFixed(2)}`);
});

t.test('decodeNetwork(encodeNetwork(m)) gives back the spec, the weights and the naming', async (t) => {
  const model = { ...randomNetwork(5, 14), objects: 'Cells', channels: ['Hoechst'] };
  const back = decodeNetwork(encodeNetwork(model));
  t.ok(back);
  t.same(back!.spec, model.spec);
  t.same(back!.classes, model.classes);
  t.equal(back!.diameter, 14);
  t.equal(back!.objects, 'Cells');
  t.same(back!.channels, ['Hoechst']);
  for (const [name, w] of Object.entries(model.weights)) {
    t.same(back!.weights[name]!.kernel, w.kernel, `${name} kernel`);
    t.same(back!.weights[name]!.bias, w.bias, `${name} bias`);
  }
  t.notOk('channels' in decodeNetwork(encodeNetwork(randomNetwork(5)))!, 'no channel names unless the model has them');
});

t.test('a model that is not a network is not decoded', async (t) => {
  const bytes = encodeNetwork(randomNetwork(1));
  const meta = readModelMetadata(bytes);
  t.equal(meta[MODEL_METADATA.output], 'classes');
  const g = new GraphBuilder('identity');
  const x = g.input('x', 'float32', [1, 1, 'H', 'W']);
  g.output(g.node('Identity', [x])[0]!, 'float32', [1, 1, 'H', 'W']);
  t.equal(decodeNetwork(encodeModel(g.build())), undefined);
});

t.test('the segmenter loads an encoded network and segments with it at its working scale', async (t) => {
  const bytes = encodeNetwork(thresholdNetwork(10));
  const model = await loadModel('threshold-network', bytes);
  t.match(model, {
    output: 'classes',
    input: 'normalized',
    classes: ['background', 'interior', 'boundary'],
    diameter: 10,
    multiple: 2,
    halo: receptiveRadius(TINY_SPEC),
    channelNames: ['DNA'],
  });
  // Nine 24 px discs on a 151 × 149 field (odd sizes: the working scale pads to the size multiple).
  const width = 151;
  const height = 149;
  const data = new Float32Array(width * height).fill(0.05);
  for (let k = 0; k < 9; k++) {
    const cx = 28 + (k % 3) * 46;
    const cy = 28 + Math.floor(k / 3) * 46;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= 144) data[y * width + x] = 0.8;
  }
  const ch = { name: 'DNA', data };
  const seg = await segmentImageSet(model, ch, [ch], width, height, { ...DEFAULT_SEGMENT_OPTIONS, objectDiameter: 24 });
  t.equal(seg.table.count, 9);
  const mean = seg.labels.reduce((a, l) => a + (l > 0 ? 1 : 0), 0) / 9;
  t.ok(Math.abs(mean / (Math.PI * 144) - 1) < 0.15, `mean object ${mean.toFixed(0)} px for a 452 px disc`);
});

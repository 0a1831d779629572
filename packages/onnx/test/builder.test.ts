import ort from 'onnxruntime-node';
import t from 'tap';
import { attr, encodeModel, GraphBuilder, readModelMetadata, tensor } from '../src/index.js';

t.test('a built graph runs in onnxruntime and keeps its metadata', async (t) => {
  const g = new GraphBuilder('affine');
  const x = g.input('x', 'float32', [1, 'N']);
  const scale = g.initializer('scale', tensor.float32([], [2]));
  const bias = g.initializer('bias', tensor.float32([1, 3], [1, 2, 3]));
  const [scaled] = g.node('Mul', [x, scale]);
  const [shifted] = g.node('Add', [scaled!, bias]);
  const [clipped] = g.node('Clip', [
    shifted!,
    g.initializer('lo', tensor.float32([], [0])),
    g.initializer('hi', tensor.float32([], [6])),
  ]);
  const [soft] = g.node('LeakyRelu', [clipped!], { alpha: attr.float(1) });
  g.output(soft!, 'float32', [1, 'N'], 'y');
  const bytes = encodeModel(g.build(), { opset: 17, metadata: { purpose: 'test' } });

  const session = await ort.InferenceSession.create(bytes);
  t.same(session.inputNames, ['x']);
  t.same(session.outputNames, ['y']);
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 1, 5]), [1, 3]) });
  t.same(Array.from(out.y!.data as Float32Array), [0, 4, 6]);
  t.same(readModelMetadata(bytes), { purpose: 'test' });
});

t.test('a 2-D convolution with int attributes', async (t) => {
  const g = new GraphBuilder('box');
  const x = g.input('image', 'float32', [1, 1, 'H', 'W']);
  const k = g.initializer('k', tensor.float32([1, 1, 3, 3], new Array(9).fill(1 / 9)));
  const [y] = g.node('Conv', [x, k], { pads: [1, 1, 1, 1] });
  g.output(y!, 'float32', [1, 1, 'H', 'W']);
  const session = await ort.InferenceSession.create(encodeModel(g.build()));
  const input = new Float32Array(25).fill(0);
  input[12] = 9;
  const out = await session.run({ image: new ort.Tensor('float32', input, [1, 1, 5, 5]) });
  const data = out[session.outputNames[0]!]!.data as Float32Array;
  t.equal(data[6], 1);
  t.equal(data[0], 0);
});

t.test('tensors check their element count; names are unique', async (t) => {
  t.throws(() => tensor.float32([2, 2], [1, 2, 3]), RangeError);
  const g = new GraphBuilder('dup');
  g.input('x', 'float32', [1]);
  t.throws(() => g.input('x', 'float32', [1]), /duplicate/);
  t.throws(() => new GraphBuilder('empty').build(), /at least one input/);
});

import ort from 'onnxruntime-node';
import t from 'tap';
import { attr, encodeModel, GraphBuilder, UnknownDomainError } from '../src/index.js';

const utf8 = new TextEncoder();

function contains(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes).includes(Buffer.from(utf8.encode(text)));
}

/**
 * One stump per tree on feature 0 (x ≤ 0.5 → left): tree 0 gives class probabilities [0.8, 0.2] | [0.1, 0.9],
 * tree 1 [1, 0] | [0.3, 0.7]. Every leaf lists every class, so the scores are the plain sums of the weights.
 */
function twoStumps(): GraphBuilder {
  const g = new GraphBuilder('stumps');
  const x = g.input('x', 'float32', ['N', 2]);
  const leaves = [
    [0.8, 0.2, 0.1, 0.9],
    [1, 0, 0.3, 0.7],
  ];
  const [, scores] = g.node(
    'TreeEnsembleClassifier',
    [x],
    {
      nodes_treeids: [0, 0, 0, 1, 1, 1],
      nodes_nodeids: [0, 1, 2, 0, 1, 2],
      nodes_featureids: [0, 0, 0, 0, 0, 0],
      nodes_values: attr.floats([0.5, 0, 0, 0.5, 0, 0]),
      nodes_modes: ['BRANCH_LEQ', 'LEAF', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF'],
      nodes_truenodeids: [1, 0, 0, 1, 0, 0],
      nodes_falsenodeids: [2, 0, 0, 2, 0, 0],
      class_treeids: [0, 0, 0, 0, 1, 1, 1, 1],
      class_nodeids: [1, 1, 2, 2, 1, 1, 2, 2],
      class_ids: [0, 1, 0, 1, 0, 1, 0, 1],
      class_weights: attr.floats(leaves.flat().map((w) => w / 2)),
      classlabels_int64s: [0, 1],
      post_transform: 'NONE',
    },
    { domain: 'ai.onnx.ml', outputs: 2 },
  );
  g.output(scores!, 'float32', ['N', 2], 'scores');
  return g;
}

t.test('an ai.onnx.ml TreeEnsembleClassifier (STRINGS attribute, ml opset import) runs in onnxruntime', async (t) => {
  const bytes = encodeModel(twoStumps().build());
  // onnxruntime refuses a node whose domain has no opset import, so loading below also proves the import.
  t.ok(contains(bytes, 'BRANCH_LEQ'));
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor('float32', Float32Array.from([0.2, 9, 0.5, 9, 0.7, 9]), [3, 2]);
  const scores = Array.from((await session.run({ x })).scores!.data as Float32Array, (v) => Math.round(v * 1e5) / 1e5);
  // x ≤ 0.5 takes the true branch, 0.5 included.
  t.same(scores, [0.9, 0.1, 0.9, 0.1, 0.2, 0.8]);
});

t.test('other domains are imported only when a node uses them; an unknown one needs its version', async (t) => {
  const plain = new GraphBuilder('plain');
  plain.output(plain.node('Relu', [plain.input('x', 'float32', [1])])[0]!, 'float32', [1]);
  t.notOk(contains(encodeModel(plain.build()), 'ai.onnx.ml'));

  const custom = new GraphBuilder('custom');
  const [y] = custom.node('Frobnicate', [custom.input('x', 'float32', [1])], {}, { domain: 'com.example' });
  custom.output(y!, 'float32', [1]);
  t.throws(() => encodeModel(custom.build()), UnknownDomainError);
  t.ok(contains(encodeModel(custom.build(), { domainOpsets: { 'com.example': 2 } }), 'com.example'));
});

t.test('a string list is inferred as STRINGS; attr.strings writes an empty one', async (t) => {
  const g = new GraphBuilder('strings');
  const [y] = g.node('Identity', [g.input('x', 'float32', [1])], { a: ['p', 'q'], b: attr.strings([]) });
  g.output(y!, 'float32', [1]);
  const node = g.build().nodes[0]!;
  t.same(node.attributes.a, { kind: 'strings', value: ['p', 'q'] });
  t.same(node.attributes.b, { kind: 'strings', value: [] });
});

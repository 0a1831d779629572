import { encodeModel, GraphBuilder, tensor } from '@platescale/onnx';
import { MODEL_METADATA } from '../../src/metadata.js';

/**
 * A 'classes' model with a known answer: interior = sigmoid(16 (x − 0.5)) of the normalised input, background its
 * complement, boundary 0 — a nucleus is wherever the normalised image is above one half.
 */
export function thresholdClassesModel(metadata: Record<string, string> = {}): Uint8Array {
  const g = new GraphBuilder('threshold_classes');
  const x = g.input('image', 'float32', [1, 1, 'H', 'W']);
  const scalar = (name: string, v: number) => g.initializer(name, tensor.float32([], [v]));
  const [centred] = g.node('Sub', [x, scalar('half', 0.5)]);
  const [steep] = g.node('Mul', [centred!, scalar('gain', 16)]);
  const [interior] = g.node('Sigmoid', [steep!]);
  const [background] = g.node('Sub', [scalar('one', 1), interior!]);
  const [boundary] = g.node('Mul', [x, scalar('zero', 0)]);
  const [classes] = g.node('Concat', [background!, interior!, boundary!], { axis: 1 });
  g.output(classes!, 'float32', [1, 3, 'H', 'W']);
  return encodeModel(g.build(), {
    metadata: {
      [MODEL_METADATA.output]: 'classes',
      [MODEL_METADATA.classes]: JSON.stringify(['background', 'interior', 'boundary']),
      [MODEL_METADATA.input]: 'normalized',
      [MODEL_METADATA.diameter]: '10',
      ...metadata,
    },
  });
}

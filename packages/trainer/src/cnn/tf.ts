import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/**
 * TensorFlow.js on its WebAssembly backend (XNNPACK; the binary ships inside the npm package, so nothing is
 * downloaded at install): one thread, deterministic. tfjs-node would be faster but downloads libtensorflow at
 * install time, and the pure-JS backend took minutes per step.
 *
 * The wasm backend has no Conv2DBackpropFilter kernel and a slow Conv2DBackpropInput, so the Conv2D gradient is
 * re-registered in terms of Conv2D itself, which XNNPACK runs fast (same maths; checked against the CPU backend in
 * test/cnn/tf.test.ts): for stride 1 and odd 'same' kernels, dx is dy convolved with the filter turned 180° and
 * its channel axes swapped, and dW is a 'valid' convolution of the (channel ↔ batch)-transposed input with dy
 * as the kernel.
 */
function registerConvGradient(): void {
  tf.registerGradient({
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy4 = dy as tf.Tensor4D;
      const { strides, pad, dilations } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'same' | 'valid';
        dilations?: number | [number, number];
      };
      const [kh, kw] = filter.shape;
      const unit = (v: number | [number, number] | undefined) =>
        v === undefined || (typeof v === 'number' ? v === 1 : v[0] === 1 && v[1] === 1);
      if (!unit(strides) || !unit(dilations) || kh % 2 === 0 || kw % 2 === 0) {
        throw new Error('the wasm Conv2D gradient supports stride 1, dilation 1 and odd kernels only');
      }
      const samePad = pad === 'same' || (kh === 1 && kw === 1);
      if (!samePad) throw new Error("the wasm Conv2D gradient supports 'same' padding only");
      return {
        x: () => tf.conv2d(dy4, tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]), 1, 'same'),
        filter: () => {
          const ph = (kh - 1) / 2;
          const pw = (kw - 1) / 2;
          const padded = tf.pad(x, [
            [0, 0],
            [ph, ph],
            [pw, pw],
            [0, 0],
          ]);
          const byChannel = tf.transpose(padded, [3, 1, 2, 0]);
          const kernel = tf.transpose(dy4, [1, 2, 0, 3]);
          return tf.transpose(tf.conv2d(byChannel, kernel, 1, 'valid'), [1, 2, 0, 3]);
        },
      };
    },
  });
}

let ready: Promise<typeof tf> | undefined;

/** tfjs with the wasm backend selected and the Conv2D gradient installed (once per process or worker). */
export function tensorflow(): Promise<typeof tf> {
  ready ??= (async () => {
    // tfjs-core prints a hint to install tfjs-node on first use in Node; it cannot be installed here (see above).
    const warn = console.warn;
    console.warn = () => {};
    try {
      await tf.setBackend('wasm');
      await tf.ready();
    } finally {
      console.warn = warn;
    }
    registerConvGradient();
    return tf;
  })();
  return ready;
}

export type Tf = typeof tf;

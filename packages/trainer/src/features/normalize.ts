import { type GraphBuilder, tensor } from '@platescale/onnx';

/**
 * How the model scales its input before the filter bank. 'none': the samples as the segmenter feeds them
 * (format maximum → 1), so absolute brightness counts — right within one experiment, where every image was acquired
 * alike and a dim field really is dim. 'percentile': each channel of each image mapped so that its 1st percentile is 0
 * and its 99.8th is 1 (as StarDist/CSBDeep normalise), which carries a model across bit depths, exposures and
 * microscopes — what a base model used on any experiment needs.
 */
export type Normalization = 'none' | 'percentile';

export const NORMALIZATIONS: readonly Normalization[] = ['none', 'percentile'];

const LOW = 0.01;
const HIGH = 0.002;

/**
 * `planes` [C, 1, H, W] → the same, percentile-normalised per channel. The percentiles come from TopK over the
 * flattened plane (k = ⌈fraction · H·W⌉, at least 1): the smallest of the top 0.2 % is the 99.8th percentile.
 */
export function addPercentileNormalization(g: GraphBuilder, planes: string): string {
  const int64 = (name: string, values: number[]) => g.initializer(name, tensor.int64([values.length], values));
  const [flat] = g.node('Reshape', [planes, int64('norm_flat_shape', [0, -1])], {}, { name: 'norm_flat' });
  const [count] = g.node('Shape', [flat!], { start: 1 }, { name: 'norm_count' });
  const [countF] = g.node('Cast', [count!], { to: 1 }, { name: 'norm_count_f' });
  const k = (name: string, fraction: number) => {
    const [scaled] = g.node('Mul', [countF!, g.initializer(`${name}_fraction`, tensor.float32([], [fraction]))], {}, {
      name: `${name}_scaled`,
    });
    const [ceil] = g.node('Ceil', [scaled!], {}, { name: `${name}_ceil` });
    const [int] = g.node('Cast', [ceil!], { to: 7 }, { name: `${name}_int` });
    return g.node('Max', [int!, int64(`${name}_one`, [1])], {}, { name })[0]!;
  };
  const [top] = g.node('TopK', [flat!, k('norm_k_high', HIGH)], { axis: -1, largest: 1 }, {
    name: 'norm_top',
    outputs: 2,
  });
  const [bottom] = g.node('TopK', [flat!, k('norm_k_low', LOW)], { axis: -1, largest: 0 }, {
    name: 'norm_bottom',
    outputs: 2,
  });
  const [high] = g.node('ReduceMin', [top!], { axes: [-1], keepdims: 1 }, { name: 'norm_high' });
  const [low] = g.node('ReduceMax', [bottom!], { axes: [-1], keepdims: 1 }, { name: 'norm_low' });
  const [range] = g.node('Sub', [high!, low!], {}, { name: 'norm_range' });
  // A flat image (range 0) must not divide by zero: it maps to 0 everywhere.
  const [safe] = g.node('Max', [range!, g.initializer('norm_epsilon', tensor.float32([], [1e-6]))], {}, {
    name: 'norm_safe_range',
  });
  const perPlane = int64('norm_stat_shape', [-1, 1, 1, 1]);
  const [shift] = g.node('Reshape', [low!, perPlane], {}, { name: 'norm_low_4d' });
  const [scale] = g.node('Reshape', [safe!, perPlane], {}, { name: 'norm_range_4d' });
  const [centred] = g.node('Sub', [planes, shift!], {}, { name: 'norm_centred' });
  return g.node('Div', [centred!, scale!], {}, { name: 'norm_scaled' })[0]!;
}

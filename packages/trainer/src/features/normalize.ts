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
 * The percentile range is at least this many noise standard deviations. Without a floor, a field with no object
 * (or one small object, under 0.2 % of the pixels) stretches its own noise to 0…1 and the noise becomes objects —
 * exactly the wells where a treatment killed the cells. Measured on synthetic fields: a nucleus is ~140 σ bright.
 */
const MIN_RANGE_IN_NOISE_SIGMAS = 20;
/** For white noise of deviation σ, neighbouring differences have mean absolute value 2σ/√π. */
const MEAN_ABS_DIFFERENCE_PER_SIGMA = 2 / Math.sqrt(Math.PI);

/**
 * `planes` [C, 1, H, W] → the same, percentile-normalised per channel. The percentiles come from TopK over the
 * flattened plane (k = ⌈fraction · H·W⌉, at least 1): the smallest of the top 0.2 % is the 99.8th percentile. The
 * noise σ is estimated from neighbouring-pixel differences (edges of sparse objects add little to their mean).
 */
export function addPercentileNormalization(g: GraphBuilder, planes: string): string {
  const int64 = (name: string, values: number[]) => g.initializer(name, tensor.int64([values.length], values));
  const [flat] = g.node('Reshape', [planes, int64('norm_flat_shape', [0, -1])], {}, { name: 'norm_flat' });
  const [count] = g.node('Shape', [flat!], { start: 1 }, { name: 'norm_count' });
  const [countF] = g.node('Cast', [count!], { to: 1 }, { name: 'norm_count_f' });
  const k = (name: string, fraction: number) => {
    const [scaled] = g.node(
      'Mul',
      [countF!, g.initializer(`${name}_fraction`, tensor.float32([], [fraction]))],
      {},
      {
        name: `${name}_scaled`,
      },
    );
    const [ceil] = g.node('Ceil', [scaled!], {}, { name: `${name}_ceil` });
    const [int] = g.node('Cast', [ceil!], { to: 7 }, { name: `${name}_int` });
    return g.node('Max', [int!, int64(`${name}_one`, [1])], {}, { name })[0]!;
  };
  const [top] = g.node(
    'TopK',
    [flat!, k('norm_k_high', HIGH)],
    { axis: -1, largest: 1 },
    {
      name: 'norm_top',
      outputs: 2,
    },
  );
  const [bottom] = g.node(
    'TopK',
    [flat!, k('norm_k_low', LOW)],
    { axis: -1, largest: 0 },
    {
      name: 'norm_bottom',
      outputs: 2,
    },
  );
  const [high] = g.node('ReduceMin', [top!], { axes: [-1], keepdims: 1 }, { name: 'norm_high' });
  const [low] = g.node('ReduceMax', [bottom!], { axes: [-1], keepdims: 1 }, { name: 'norm_low' });
  const [range] = g.node('Sub', [high!, low!], {}, { name: 'norm_range' });

  const slice = (name: string, start: number, end: number) =>
    g.node(
      'Slice',
      [flat!, int64(`${name}_start`, [start]), int64(`${name}_end`, [end]), int64(`${name}_axis`, [1])],
      {},
      {
        name,
      },
    )[0]!;
  const [difference] = g.node(
    'Sub',
    [slice('norm_next', 1, 2 ** 62), slice('norm_previous', 0, -1)],
    {},
    {
      name: 'norm_difference',
    },
  );
  const [absolute] = g.node('Abs', [difference!], {}, { name: 'norm_abs_difference' });
  const [meanAbs] = g.node(
    'ReduceMean',
    [absolute!],
    { axes: [-1], keepdims: 1 },
    { name: 'norm_mean_abs_difference' },
  );
  const floorPerMeanAbs = MIN_RANGE_IN_NOISE_SIGMAS / MEAN_ABS_DIFFERENCE_PER_SIGMA;
  const [floor] = g.node(
    'Mul',
    [meanAbs!, g.initializer('norm_floor_factor', tensor.float32([], [floorPerMeanAbs]))],
    {},
    {
      name: 'norm_floor',
    },
  );
  // A flat image (range 0, no noise) must not divide by zero: it maps to 0 everywhere.
  const [safe] = g.node(
    'Max',
    [range!, floor!, g.initializer('norm_epsilon', tensor.float32([], [1e-6]))],
    {},
    { name: 'norm_safe_range' },
  );
  const perPlane = int64('norm_stat_shape', [-1, 1, 1, 1]);
  const [shift] = g.node('Reshape', [low!, perPlane], {}, { name: 'norm_low_4d' });
  const [scale] = g.node('Reshape', [safe!, perPlane], {}, { name: 'norm_range_4d' });
  const [centred] = g.node('Sub', [planes, shift!], {}, { name: 'norm_centred' });
  const [scaled] = g.node('Div', [centred!, scale!], {}, { name: 'norm_scaled' });
  // Beyond the training range the classifier extrapolates: a lone nucleus scaled by the noise floor would be several
  // times brighter than any it learnt, its blurred rim above threshold and its outline too wide.
  const bound = (name: string, v: number) => g.initializer(name, tensor.float32([], [v]));
  return g.node('Clip', [scaled!, bound('norm_min', -0.5), bound('norm_max', 1.5)], {}, { name: 'norm_clipped' })[0]!;
}

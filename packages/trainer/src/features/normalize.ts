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
 * Statistics are read on every STRIDE-th row and column (percentiles) or row (noise): 1/16 of the pixels still give
 * a 1024² image's 99.8th percentile from 130 samples, and TopK over the whole image took most of a fast model's time.
 */
const STRIDE = 4;

/**
 * `planes` [C, 1, H, W] → the same, percentile-normalised per channel. The percentiles come from TopK over a strided
 * sample of the plane (k = ⌈fraction · samples⌉, at least 1): the smallest of the top 0.2 % is the 99.8th percentile.
 * The noise σ is estimated from horizontally neighbouring pixels' differences (edges of sparse objects add little to
 * their mean).
 */
export function addPercentileNormalization(g: GraphBuilder, planes: string): string {
  const int64 = (name: string, values: number[]) => g.initializer(name, tensor.int64([values.length], values));
  const scalar = (name: string, v: number) => g.initializer(name, tensor.float32([], [v]));
  const slice = (name: string, input: string, starts: number[], ends: number[], axes: number[], steps: number[]) =>
    g.node(
      'Slice',
      [
        input,
        int64(`${name}_starts`, starts),
        int64(`${name}_ends`, ends),
        int64(`${name}_axes`, axes),
        int64(`${name}_steps`, steps),
      ],
      {},
      { name },
    )[0]!;
  const END = 2 ** 62;
  const sample = slice('norm_sample', planes, [0, 0], [END, END], [2, 3], [STRIDE, STRIDE]);
  const [flat] = g.node('Reshape', [sample, int64('norm_flat_shape', [0, -1])], {}, { name: 'norm_flat' });
  const [count] = g.node('Shape', [flat!], { start: 1 }, { name: 'norm_count' });
  const [countF] = g.node('Cast', [count!], { to: 1 }, { name: 'norm_count_f' });
  const k = (name: string, fraction: number) => {
    const [scaled] = g.node('Mul', [countF!, scalar(`${name}_fraction`, fraction)], {}, { name: `${name}_scaled` });
    const [ceil] = g.node('Ceil', [scaled!], {}, { name: `${name}_ceil` });
    const [int] = g.node('Cast', [ceil!], { to: 7 }, { name: `${name}_int` });
    return g.node('Max', [int!, int64(`${name}_one`, [1])], {}, { name })[0]!;
  };
  const topk = (name: string, fraction: number, largest: number) =>
    g.node('TopK', [flat!, k(`${name}_k`, fraction)], { axis: -1, largest }, { name, outputs: 2 })[0]!;
  const [high] = g.node('ReduceMin', [topk('norm_top', HIGH, 1)], { axes: [-1], keepdims: 1 }, { name: 'norm_high' });
  const [low] = g.node('ReduceMax', [topk('norm_bottom', LOW, 0)], { axes: [-1], keepdims: 1 }, { name: 'norm_low' });
  const [range] = g.node('Sub', [high!, low!], {}, { name: 'norm_range' });

  const rows = slice('norm_rows', planes, [0], [END], [2], [STRIDE]);
  const [difference] = g.node(
    'Sub',
    [slice('norm_next', rows, [1], [END], [3], [1]), slice('norm_previous', rows, [0], [-1], [3], [1])],
    {},
    { name: 'norm_difference' },
  );
  const [absolute] = g.node('Abs', [difference!], {}, { name: 'norm_abs_difference' });
  const [meanAbs] = g.node(
    'ReduceMean',
    [absolute!],
    { axes: [1, 2, 3], keepdims: 0 },
    { name: 'norm_mean_abs_difference' },
  );
  const perChannel = int64('norm_channel_shape', [-1, 1]);
  const [meanAbs2d] = g.node('Reshape', [meanAbs!, perChannel], {}, { name: 'norm_mean_abs_2d' });
  const floorPerMeanAbs = MIN_RANGE_IN_NOISE_SIGMAS / MEAN_ABS_DIFFERENCE_PER_SIGMA;
  const [floor] = g.node('Mul', [meanAbs2d!, scalar('norm_floor_factor', floorPerMeanAbs)], {}, { name: 'norm_floor' });
  // A flat image (range 0, no noise) must not divide by zero: it maps to 0 everywhere.
  const [safe] = g.node('Max', [range!, floor!, scalar('norm_epsilon', 1e-6)], {}, { name: 'norm_safe_range' });
  const perPlane = int64('norm_stat_shape', [-1, 1, 1, 1]);
  const [shift] = g.node('Reshape', [low!, perPlane], {}, { name: 'norm_low_4d' });
  const [scale] = g.node('Reshape', [safe!, perPlane], {}, { name: 'norm_range_4d' });
  const [centred] = g.node('Sub', [planes, shift!], {}, { name: 'norm_centred' });
  const [scaled] = g.node('Div', [centred!, scale!], {}, { name: 'norm_scaled' });
  // Beyond the training range the classifier extrapolates: a lone nucleus scaled by the noise floor would be several
  // times brighter than any it learnt, its blurred rim above threshold and its outline too wide.
  return g.node('Clip', [scaled!, scalar('norm_min', -0.5), scalar('norm_max', 1.5)], {}, { name: 'norm_clipped' })[0]!;
}

import type { Samples } from './dataset.js';
import { seededRandom, shuffle } from './random.js';

export interface ForestOptions {
  trees: number;
  /** Deepest split level: a tree has at most 2^maxDepth leaves. */
  maxDepth: number;
  /** Fewest distinct training rows a leaf may hold. */
  minLeaf: number;
  seed: number;
}

export const DEFAULT_FOREST_OPTIONS: ForestOptions = { trees: 50, maxDepth: 10, minLeaf: 5, seed: 1 };

/** Bounds the API and the CLI accept: the file grows with trees × nodes, inference with trees × depth. */
export const MAX_TREES = 200;
export const MAX_TREE_DEPTH = 20;

/**
 * One decision tree, nodes in preorder (node 0 is the root). A row goes to `left` when its feature is ≤ the
 * threshold — ONNX-ML's BRANCH_LEQ — else to `right`. Thresholds are float32, so that comparing the float32
 * features here and in onnxruntime gives the same branch.
 */
export interface DecisionTree {
  /** Split feature per node; −1 marks a leaf. */
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** Class probabilities of each leaf, `[node·K + k]`; branches' rows are zero. */
  leafValues: Float32Array;
}

/** A random forest: its class probabilities are the mean of its trees' leaf probabilities. */
export interface Forest {
  trees: DecisionTree[];
  features: number;
  classCount: number;
  /** The depth bound it was grown with (what the model's description reports). */
  maxDepth: number;
}

/** Quantile bins per feature: split search scans ≤ 256 bin histograms instead of sorting rows at every node. */
const MAX_BINS = 256;

interface Binned {
  /** Bin of every row, feature-major: `codes[f·count + row]`. */
  codes: Uint8Array;
  bins: Uint16Array;
  /** `thresholds[f][b]`: the float32 split point between bin b and bin b + 1 of feature f. */
  thresholds: Float32Array[];
}

function binFeatures(samples: Samples): Binned {
  const { count, width, features } = samples;
  const codes = new Uint8Array(count * width);
  const bins = new Uint16Array(width);
  const thresholds: Float32Array[] = [];
  const column = new Float32Array(count);
  for (let f = 0; f < width; f++) {
    for (let i = 0; i < count; i++) column[i] = features[i * width + f]!;
    const sorted = column.slice().sort();
    // Each bin's largest value, at the quantiles; a value as frequent as a whole bin is a bin of its own.
    const uppers: number[] = [];
    for (let q = 1; q <= MAX_BINS; q++) {
      const v = sorted[Math.ceil((q * count) / MAX_BINS) - 1]!;
      if (uppers.length === 0 || v > uppers.at(-1)!) uppers.push(v);
    }
    const cuts = new Float32Array(Math.max(0, uppers.length - 1));
    for (let b = 0; b < cuts.length; b++) {
      const below = uppers[b]!;
      const above = sorted[upperBound(sorted, below)]!;
      // Halfway between the bins, unless float32 rounding would put it on the next bin's smallest value.
      const mid = Math.fround((below + above) / 2);
      cuts[b] = mid < above ? mid : below;
    }
    for (let i = 0; i < count; i++) codes[f * count + i] = binOf(cuts, column[i]!);
    bins[f] = uppers.length;
    thresholds.push(cuts);
  }
  return { codes, bins, thresholds };
}

/** Index of the first element of `sorted` greater than `v`. */
function upperBound(sorted: Float32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bin a value falls in: the number of cuts it is above (the BRANCH_LEQ rule). */
function binOf(cuts: Float32Array, v: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Split {
  feature: number;
  bin: number;
}

/** Grows one tree on a bootstrap sample; the rows' weights are bootstrap multiplicity × class weight. */
class TreeGrower {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly leaves: number[] = [];
  private readonly histogram: Float64Array;
  private readonly binRows: Uint32Array;
  private readonly order: Uint32Array;
  private readonly candidates: number;

  constructor(
    private readonly samples: Samples,
    private readonly binned: Binned,
    private readonly rows: Uint32Array,
    private readonly weight: Float64Array,
    private readonly options: ForestOptions,
    private readonly random: () => number,
  ) {
    this.histogram = new Float64Array(MAX_BINS * samples.classCount);
    this.binRows = new Uint32Array(MAX_BINS);
    this.order = Uint32Array.from({ length: samples.width }, (_, f) => f);
    // √F candidate features per node, as ilastik's (vigra's) random forest.
    this.candidates = Math.max(1, Math.round(Math.sqrt(samples.width)));
  }

  grow(): DecisionTree {
    this.node(0, this.rows.length, 0);
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      leafValues: Float32Array.from(this.leaves),
    };
  }

  /** Builds the subtree of rows[start, end) in preorder; returns its root's id. */
  private node(start: number, end: number, depth: number): number {
    const { classCount } = this.samples;
    const id = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(0);
    this.right.push(0);
    const base = this.leaves.length;
    for (let k = 0; k < classCount; k++) this.leaves.push(0);

    const totals = new Float64Array(classCount);
    for (let i = start; i < end; i++) {
      const row = this.rows[i]!;
      totals[this.samples.classes[row]!]! += this.weight[row]!;
    }
    const pure = totals.filter((w) => w > 0).length <= 1;
    const split =
      pure || depth >= this.options.maxDepth || end - start < 2 * this.options.minLeaf
        ? undefined
        : this.bestSplit(start, end, totals);
    if (!split) {
      const sum = totals.reduce((a, b) => a + b, 0);
      for (let k = 0; k < classCount; k++) this.leaves[base + k] = totals[k]! / sum;
      return id;
    }
    const middle = this.partition(start, end, split);
    this.feature[id] = split.feature;
    this.threshold[id] = this.binned.thresholds[split.feature]![split.bin]!;
    this.left[id] = this.node(start, middle, depth + 1);
    this.right[id] = this.node(middle, end, depth + 1);
    return id;
  }

  /**
   * The split of least weighted Gini impurity among √F features drawn at random — drawn until that many could
   * split the node at all (constant ones do not count, as in scikit-learn). Undefined when none lowers it.
   */
  private bestSplit(start: number, end: number, totals: Float64Array): Split | undefined {
    const { classCount, classes, count } = this.samples;
    const { codes, bins } = this.binned;
    const { histogram, binRows, weight, rows } = this;
    const minLeaf = this.options.minLeaf;
    const total = totals.reduce((a, b) => a + b, 0);
    // Minimising Σ_child W·(1 − Σ_k p_k²) is maximising Σ_child Σ_k w_k² / W.
    let bestScore = totals.reduce((s, w) => s + w * w, 0) / total;
    let best: Split | undefined;
    const leftSums = new Float64Array(classCount);
    shuffle(this.order, this.random);
    let tried = 0;
    for (let o = 0; o < this.order.length && tried < this.candidates; o++) {
      const f = this.order[o]!;
      const binCount = bins[f]!;
      histogram.fill(0, 0, binCount * classCount);
      binRows.fill(0, 0, binCount);
      const column = f * count;
      for (let i = start; i < end; i++) {
        const row = rows[i]!;
        const b = codes[column + row]!;
        histogram[b * classCount + classes[row]!]! += weight[row]!;
        binRows[b]!++;
      }
      let occupied = 0;
      for (let b = 0; b < binCount; b++) if (binRows[b]! > 0) occupied++;
      if (occupied < 2) continue;
      tried++;
      leftSums.fill(0);
      let leftRows = 0;
      let leftWeight = 0;
      for (let b = 0; b + 1 < binCount; b++) {
        if (binRows[b] === 0) continue;
        leftRows += binRows[b]!;
        for (let k = 0; k < classCount; k++) {
          const w = histogram[b * classCount + k]!;
          leftSums[k]! += w;
          leftWeight += w;
        }
        if (leftRows < minLeaf) continue;
        if (end - start - leftRows < minLeaf) break;
        let leftSquares = 0;
        let rightSquares = 0;
        for (let k = 0; k < classCount; k++) {
          const l = leftSums[k]!;
          const r = totals[k]! - l;
          leftSquares += l * l;
          rightSquares += r * r;
        }
        const rightWeight = total - leftWeight;
        if (rightWeight <= 0) break;
        const score = leftSquares / leftWeight + rightSquares / rightWeight;
        // A relative margin: rounding must not make a useless split look like a gain.
        if (score > bestScore * (1 + 1e-12)) {
          bestScore = score;
          best = { feature: f, bin: b };
        }
      }
    }
    return best;
  }

  /** Reorders rows[start, end) so the split's left rows come first; returns where the right ones begin. */
  private partition(start: number, end: number, split: Split): number {
    const { rows } = this;
    const column = split.feature * this.samples.count;
    let middle = start;
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (this.binned.codes[column + row]! <= split.bin) {
        rows[i] = rows[middle]!;
        rows[middle++] = row;
      }
    }
    return middle;
  }
}

/**
 * A random forest on the labelled pixels (ilastik's classifier): every tree grows on a bootstrap sample, splits
 * on quantile-binned features by Gini impurity among √F random candidates per node, down to `maxDepth` or
 * `minLeaf` rows; leaves hold class probabilities. Class-balanced like the MLP: a row weighs count / (K · its
 * class's count). Deterministic given the seed; yields to the event loop after every tree, like the MLP after
 * every epoch.
 */
export async function trainForest(samples: Samples, options: ForestOptions = DEFAULT_FOREST_OPTIONS): Promise<Forest> {
  const { count, classCount, classes } = samples;
  const random = seededRandom(options.seed);
  const binned = binFeatures(samples);
  const perClass = new Float64Array(classCount);
  for (let i = 0; i < count; i++) perClass[classes[i]!]!++;
  const classWeight = Array.from(perClass, (n) => (n > 0 ? count / (classCount * n) : 0));

  const trees: DecisionTree[] = [];
  const multiplicity = new Uint32Array(count);
  const weight = new Float64Array(count);
  for (let t = 0; t < options.trees; t++) {
    if (t > 0) await new Promise(setImmediate);
    multiplicity.fill(0);
    for (let i = 0; i < count; i++) multiplicity[Math.floor(random() * count)]!++;
    const drawn: number[] = [];
    for (let row = 0; row < count; row++) {
      weight[row] = multiplicity[row]! * classWeight[classes[row]!]!;
      if (multiplicity[row]! > 0) drawn.push(row);
    }
    trees.push(new TreeGrower(samples, binned, Uint32Array.from(drawn), weight, options, random).grow());
  }
  return { trees, features: samples.width, classCount, maxDepth: options.maxDepth };
}

/** Class probabilities of one raw feature row: the mean of the trees' leaves (what the exported graph sums). */
export function predictForest(forest: Forest, row: ArrayLike<number>): Float64Array {
  const { classCount } = forest;
  const out = new Float64Array(classCount);
  for (const tree of forest.trees) {
    let node = 0;
    while (tree.feature[node]! >= 0) {
      node = row[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
    }
    for (let k = 0; k < classCount; k++) out[k]! += tree.leafValues[node * classCount + k]!;
  }
  for (let k = 0; k < classCount; k++) out[k] = out[k]! / forest.trees.length;
  return out;
}

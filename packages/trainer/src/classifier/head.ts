import { type Samples, standardization } from './dataset.js';
import { DEFAULT_FOREST_OPTIONS, type Forest, type ForestOptions, predictForest, trainForest } from './forest.js';
import { DEFAULT_MLP_OPTIONS, type Mlp, type MlpOptions, predict, trainMlp } from './mlp.js';

export const CLASSIFIER_KINDS = ['mlp', 'forest'] as const;
export type ClassifierKind = (typeof CLASSIFIER_KINDS)[number];

/** What a caller asks for: the MLP unless `kind` says 'forest'; options left out take their defaults. */
export type ClassifierRequest =
  | ({ kind?: 'mlp' } & Partial<MlpOptions>)
  | ({ kind: 'forest' } & Partial<ForestOptions>);

/** Every option resolved. */
export type ClassifierOptions = ({ kind: 'mlp' } & MlpOptions) | ({ kind: 'forest' } & ForestOptions);

/** The trained per-pixel classifier that follows the filter bank. */
export type ClassifierHead = { kind: 'mlp'; mlp: Mlp } | { kind: 'forest'; forest: Forest };

export function resolveClassifier(request: ClassifierRequest = {}): ClassifierOptions {
  return request.kind === 'forest'
    ? { ...DEFAULT_FOREST_OPTIONS, ...request, kind: 'forest' }
    : { ...DEFAULT_MLP_OPTIONS, ...request, kind: 'mlp' };
}

export async function trainClassifier(samples: Samples, options: ClassifierOptions): Promise<ClassifierHead> {
  return options.kind === 'forest'
    ? { kind: 'forest', forest: await trainForest(samples, options) }
    : { kind: 'mlp', mlp: await trainMlp(samples, standardization(samples), options) };
}

/** Class probabilities of one raw feature row, as the exported graph computes them. */
export function classProbabilities(head: ClassifierHead, row: ArrayLike<number>): Float64Array {
  return head.kind === 'forest' ? predictForest(head.forest, row) : predict(head.mlp, row);
}

import { encodeModel, GraphBuilder } from '@platescale/onnx';
import { GRAPH_OPTIMIZATION_LEVEL } from '@platescale/segmentation';
import ort from 'onnxruntime-node';
import { addFeatureBank, FEATURE_KINDS, type FeatureKind } from './bank.js';
import type { Normalization } from './normalize.js';

/** One image as the model sees it: C planes of H·W float32 samples, channel-major. */
export interface Planes {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
}

/** The filter bank alone, as a model: `image` [1, C, H, W] → `features` [1, F, H, W]. */
export function featureBankModel(
  sigmas: readonly number[],
  normalization: Normalization,
  kinds: readonly FeatureKind[] = FEATURE_KINDS,
): Uint8Array {
  const g = new GraphBuilder('platescale_feature_bank');
  const image = g.input('image', 'float32', [1, 'C', 'H', 'W']);
  g.output(addFeatureBank(g, image, sigmas, normalization, kinds), 'float32', [1, 'F', 'H', 'W'], 'features');
  return encodeModel(g.build(), { opset: 17 });
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** What the bank computes: its σ, input scaling and feature kinds (default all of FEATURE_KINDS). */
export interface BankSpec {
  sigmas: readonly number[];
  normalization: Normalization;
  features?: readonly FeatureKind[];
}

function bankSession({
  sigmas,
  normalization,
  features: kinds = FEATURE_KINDS,
}: BankSpec): Promise<ort.InferenceSession> {
  const key = `${normalization}:${sigmas.join(',')}:${kinds.join(',')}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(featureBankModel(sigmas, normalization, kinds), {
      graphOptimizationLevel: GRAPH_OPTIMIZATION_LEVEL,
    });
    sessions.set(key, session);
  }
  return session;
}

/**
 * Runs the filter bank on one image and keeps only the pixels `keep` selects (training reads the labelled pixels,
 * a few thousand out of 262 144): rows of F features, pixel after pixel.
 */
export async function featuresAt(
  planes: Planes,
  bank: BankSpec,
  pixels: Uint32Array,
): Promise<{ rows: Float32Array; width: number }> {
  const session = await bankSession(bank);
  const input = new ort.Tensor('float32', planes.data, [1, planes.channels, planes.height, planes.width]);
  const out = await session.run({ image: input });
  const features = out.features!;
  const data = features.data as Float32Array;
  const width = planes.channels * bank.sigmas.length * (bank.features ?? FEATURE_KINDS).length;
  const area = planes.width * planes.height;
  const rows = new Float32Array(pixels.length * width);
  for (let f = 0; f < width; f++) {
    const plane = data.subarray(f * area, (f + 1) * area);
    for (let i = 0; i < pixels.length; i++) rows[i * width + f] = plane[pixels[i]!]!;
  }
  features.dispose();
  return { rows, width };
}

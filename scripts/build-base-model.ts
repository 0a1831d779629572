/**
 * Builds the base nuclei model with the trainer, from generated images with known masks: sparse strokes painted
 * on synthetic DNA fields (as a scientist would paint them), trained exactly as `POST /v1/models` trains.
 * Deterministic for a given onnxruntime build and CPU (same inputs, same seed → same bytes).
 *
 *   tsx scripts/build-base-model.ts [--out FILE]   (default packages/trainer/models/nuclei-base.onnx)
 *       [--sigmas 1,2,4] [--features gaussian,hessianMax,hessianMin] [--hidden N]   (a smaller, faster bank)
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  encodePixelClassifier,
  type FeatureKind,
  syntheticFields,
  trainPixelClassifier,
} from '../packages/trainer/src/index.js';

export const BASE_MODEL_PATH = fileURLToPath(new URL('../packages/trainer/models/nuclei-base.onnx', import.meta.url));

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: BASE_MODEL_PATH },
    sigmas: { type: 'string' },
    features: { type: 'string' },
    hidden: { type: 'string' },
  },
});
const fields = syntheticFields({ seed: 1, fields: 8, size: 512, fraction: 0.01 });
const result = await trainPixelClassifier({
  images: fields.map((f) => f.image),
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
  objects: 'Nuclei',
  // Used on any experiment: scale each image by its own percentiles, so 8- and 16-bit, dim and bright all work.
  normalization: 'percentile',
  ...(values.sigmas ? { sigmas: values.sigmas.split(',').map(Number) } : {}),
  ...(values.features ? { features: values.features.split(',') as FeatureKind[] } : {}),
  classifier: { seed: 1, ...(values.hidden ? { hidden: Number(values.hidden) } : {}) },
});
const bytes = encodePixelClassifier(result.classifier);
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, bytes);
const summary = {
  out,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sizeBytes: bytes.byteLength,
  labelCounts: result.labelCounts,
  heldOutPixelAccuracy: result.metrics.perClass,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);

/**
 * Writes the base nuclei model — the one the segmenter runs when a job names none — trained by the trainer from
 * generated images with known masks (`trainBaseModel` in packages/trainer/src/base-model.ts).
 *
 *   npm run build:base-model [-- --out FILE]   (default packages/segmentation/models/nuclei-default.onnx)
 *       [--sigmas 0.7,1,1.6,3.5,5,10] [--features gaussian,gradientMagnitude,hessianMax,hessianMin] [--hidden N]
 *
 * The flags build other banks (docs/segmenter.md compares them); without them, the shipped default.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_PATH } from '../packages/segmentation/src/index.js';
import { BASE_MODEL_BANK, type FeatureKind, trainBaseModel } from '../packages/trainer/src/index.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(DEFAULT_MODEL_PATH) },
    sigmas: { type: 'string', default: BASE_MODEL_BANK.sigmas.join(',') },
    features: { type: 'string', default: BASE_MODEL_BANK.features.join(',') },
    hidden: { type: 'string', default: String(BASE_MODEL_BANK.hidden) },
  },
});
const { bytes, labelCounts, metrics } = await trainBaseModel({
  sigmas: values.sigmas.split(',').map(Number),
  features: values.features.split(',') as FeatureKind[],
  hidden: Number(values.hidden),
});
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, bytes);
const summary = {
  out,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sizeBytes: bytes.byteLength,
  labelCounts,
  heldOutPixelAccuracy: metrics.perClass,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);

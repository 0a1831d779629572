/**
 * Trains the base nuclei model — the one the segmenter runs when a job names none — on the training split of
 * data/dsb2018 (real fluorescence images with expert masks), with the recipe NUCLEI_RECIPE in
 * packages/trainer/src/cnn/nuclei.ts, and writes it as one ONNX file. Deterministic: the same recipe, data and
 * machine give the same bytes. About an hour on two cores.
 *
 *   npm run build:base-model [-- --out FILE]   (default packages/segmentation/models/nuclei-default.onnx)
 *       [--steps N] [--widths 8,16,32,64] [--encoder-convs 1,2,2,2] [--decoder-convs 1] [--diameter PX] [--seed N]
 *
 * The flags build other candidates (docs/segmenter.md compares them); without them, the shipped default.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_PATH } from '../packages/segmentation/src/index.js';
import { NUCLEI_RECIPE, trainNucleiModel } from '../packages/trainer/src/index.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: fileURLToPath(DEFAULT_MODEL_PATH) },
    data: { type: 'string', default: 'data/dsb2018' },
    steps: { type: 'string' },
    widths: { type: 'string' },
    'encoder-convs': { type: 'string' },
    'decoder-convs': { type: 'string' },
    diameter: { type: 'string' },
    seed: { type: 'string' },
  },
});
const list = (v: string) => v.split(',').map(Number);
const r = NUCLEI_RECIPE;
const recipe = {
  ...r,
  spec: {
    ...r.spec,
    ...(values.widths ? { widths: list(values.widths) } : {}),
    ...(values['encoder-convs'] ? { encoderConvs: list(values['encoder-convs']) } : {}),
    ...(values['decoder-convs'] ? { decoderConvs: Number(values['decoder-convs']) } : {}),
  },
  ...(values.steps ? { steps: Number(values.steps) } : {}),
  ...(values.diameter ? { diameter: Number(values.diameter) } : {}),
  ...(values.seed ? { seed: Number(values.seed) } : {}),
};
const started = performance.now();
const { bytes, images } = await trainNucleiModel(values.data!, recipe, {
  every: 50,
  report: (step, loss, seconds) =>
    process.stderr.write(`step ${step}/${recipe.steps}  loss ${loss.toFixed(4)}  ${seconds.toFixed(0)} s\n`),
});
const out = resolve(values.out!);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, bytes);
const summary = {
  out,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  sizeBytes: bytes.byteLength,
  trainingImages: images,
  recipe,
  trainSeconds: Math.round((performance.now() - started) / 1000),
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);

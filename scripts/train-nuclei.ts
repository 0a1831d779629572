import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CANONICAL_DIAMETER,
  encodeNetwork,
  loadTrainingImages,
  NUCLEI_CLASSES,
  NUCLEI_NETWORK,
  trainNetwork,
} from '../packages/trainer/src/index.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '8' },
    out: { type: 'string', default: 'nuclei.onnx' },
    widths: { type: 'string' },
    enc: { type: 'string' },
    dec: { type: 'string' },
    diameter: { type: 'string' },
    lr: { type: 'string', default: '0.002' },
  },
});
const spec = {
  ...NUCLEI_NETWORK,
  ...(values.widths ? { widths: values.widths.split(',').map(Number) } : {}),
  ...(values.enc ? { encoderConvs: values.enc.split(',').map(Number) } : {}),
  ...(values.dec ? { decoderConvs: Number(values.dec) } : {}),
};
const diameter = Number(values.diameter ?? CANONICAL_DIAMETER);
const images = await loadTrainingImages('data/dsb2018', ['train']);
process.stderr.write(`${images.length} training images\n`);
const weights = await trainNetwork(images, {
  spec,
  steps: Number(values.steps),
  batch: Number(values.batch),
  patch: { size: 128, canonicalDiameter: diameter, scaleJitter: 1.4, augment: true },
  seed: 1,
  learningRate: Number(values.lr),
  progress: {
    every: 25,
    report: (step, loss, seconds) =>
      process.stderr.write(`step ${step} loss ${loss.toFixed(4)} ${seconds.toFixed(0)} s\n`),
  },
});
await writeFile(values.out!, encodeNetwork({ spec, weights, classes: NUCLEI_CLASSES, diameter, objects: 'Nuclei' }));

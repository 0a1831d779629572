/**
 * The ONNX model alone, at each onnxruntime graph optimisation level: CPU milliseconds per 1024² single-channel
 * image in a one-thread session, as the segmenter runs it (the figures behind GRAPH_OPTIMIZATION_LEVEL and the
 * default model's bank in docs/segmenter.md).
 *
 *   npm run bench:model -- [--json FILE] [--size 1024] [--runs 8] [model files…]   (default: the default model)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_PATH, toUnitFloat } from '../packages/segmentation/src/index.js';
import { renderField } from '../packages/synthetic/src/index.js';

// The root package has no onnxruntime (nor its types): take the segmenter's, typed as far as used here.
interface Session {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, unknown>, outputs: string[]): Promise<unknown>;
  release(): Promise<void>;
}
const ort = createRequire(new URL('../packages/segmentation/package.json', import.meta.url))('onnxruntime-node') as {
  InferenceSession: { create(bytes: Uint8Array, options: object): Promise<Session> };
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown;
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: 'string' },
    size: { type: 'string', default: '1024' },
    runs: { type: 'string', default: '8' },
  },
});
const size = Number(values.size);
const runs = Number(values.runs);
const files = positionals.length > 0 ? positionals : [fileURLToPath(DEFAULT_MODEL_PATH)];
const LEVELS = ['basic', 'extended', 'all'] as const;

const field = renderField({ width: size, height: size, seed: 1, count: Math.round((330 * size * size) / 1024 ** 2) });
const data = toUnitFloat({ width: size, height: size, data: field.channels[0], maxValue: 65535 });

async function cpuMsPerImage(bytes: Uint8Array, level: (typeof LEVELS)[number]): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: level,
  });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', data, [1, 1, size, size]) };
  const output = [session.outputNames[0]!];
  for (let i = 0; i < 2; i++) await session.run(feeds, output);
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await session.run(feeds, output);
  const used = process.cpuUsage(start);
  await session.release();
  return Math.round(((used.user + used.system) / 1000 / runs) * 10) / 10;
}

const models = [];
for (const file of files) {
  const bytes = await readFile(file);
  const cpuMs: Record<string, number> = {};
  for (const level of LEVELS) cpuMs[level] = await cpuMsPerImage(bytes, level);
  models.push({ model: basename(file), cpuMsPerImage: cpuMs });
}
const report = { size, runs, models };
const text = `${JSON.stringify(report, null, 2)}\n`;
process.stdout.write(text);
if (values.json) await writeFile(values.json, text);

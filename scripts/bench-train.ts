/**
 * Trainer benchmark (issue 5): trains on sparse strokes painted on 5 synthetic 512² fields (~10k labelled
 * pixels, 0.8 %), previews one 512² image, and segments held-out synthetic fields with the segmenter's own
 * pipeline (threshold, hole filling, declumping, size filter) to score object F1 at IoU 0.5 against ground truth.
 *
 *   npm run bench:train -- --json FILE [--held-out N] [--compare]
 *
 * Prints `{ trainSeconds, previewMs, heldOutF1, … }` (wall clock; the CPU figures and the load average say how much
 * of it was waiting for cores other processes held); --compare adds the same figures for logistic regression,
 * MLPs of 8/16/32 hidden units and random forests of 20/50/100 trees of depth ≤ 10 (the measurement behind the
 * classifier choice in docs/trainer.md). Every row also times the model on one 1024² image in the segmenter's own
 * onnxruntime session (one thread), as a job would run it. `trainEventLoopMaxStallMs` is the longest the event loop
 * waited while training ran in process; `apiTrainEventLoopMaxStallMs` the same while the API's compute pool trained
 * from files on its worker thread (what other requests to the API wait).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
// The segmenter's scorer (not part of its package API): the same F1 its own benchmark reports.
import { matchObjects } from '../packages/segmentation/src/evaluate.js';
import {
  DEFAULT_MODEL_PATH,
  DEFAULT_SEGMENT_OPTIONS,
  ModelCache,
  segmentImageSet,
} from '../packages/segmentation/src/index.js';
import { encodeTiff } from '../packages/synthetic/src/index.js';
import {
  type ClassifierRequest,
  classifyPixels,
  createComputePool,
  encodePixelClassifier,
  previewPng,
  type SyntheticTrainingField,
  syntheticFields,
  trainPixelClassifier,
} from '../packages/trainer/src/index.js';

// The root package has no onnxruntime: take the segmenter's, the module its sessions' tensors must come from.
const { Tensor } = createRequire(new URL('../packages/segmentation/package.json', import.meta.url))('onnxruntime-node');

const { values } = parseArgs({
  options: { json: { type: 'string' }, 'held-out': { type: 'string', default: '10' }, compare: { type: 'boolean' } },
});
const SIZE = 512;
const train = syntheticFields({ seed: 1000, fields: 5, size: SIZE, fraction: 0.008 });
const heldOut = syntheticFields({ seed: 5000, fields: Number(values['held-out']), size: SIZE });
const large = syntheticFields({ seed: 7000, fields: 1, size: 1024 })[0]!.image.planes;
const dir = await mkdtemp(join(tmpdir(), 'bench-train-'));
const cache = new ModelCache();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Object F1 over all held-out fields (matches, truths and predictions pooled). */
async function heldOutF1(modelFile: string, fields: SyntheticTrainingField[]): Promise<number> {
  const model = await cache.fromFile(modelFile);
  let matched = 0;
  let objects = 0;
  for (const f of fields) {
    const channel = { name: 'DNA', data: f.image.planes.data };
    const seg = await segmentImageSet(model, channel, [channel], SIZE, SIZE, DEFAULT_SEGMENT_OPTIONS);
    const agreement = matchObjects(f.truth, seg.labels);
    matched += agreement.matched;
    objects += agreement.truth + agreement.predicted;
  }
  return (2 * matched) / objects;
}

/** Median wall and CPU milliseconds of `run` after one warm-up call. */
async function timed(runs: number, run: () => Promise<unknown>) {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await run();
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  return { first: times[0]!, ms: median(times.slice(1)), cpuMs: median(cpuTimes.slice(1)) };
}

/** The model on one 1024² image in the session the segmenter creates for it (one intra-op thread). */
async function inference1024(modelFile: string) {
  const { session } = await cache.fromFile(modelFile);
  const image = new Tensor('float32', large.data, [1, 1, large.height, large.width]);
  return timed(5, async () => {
    const out = await session.run({ [session.inputNames[0]!]: image });
    for (const t of Object.values(out)) t.dispose();
  });
}

async function measure(classifier: ClassifierRequest, name: string) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  // Training runs inside the API process: the longest stall of its event loop is what other requests wait.
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const result = await trainPixelClassifier({
    images: train.map((f) => f.image),
    classes: ['background', 'nucleus'],
    channels: ['DNA'],
    classifier,
  });
  stalls.disable();
  const trainSeconds = (performance.now() - started) / 1000;
  const trainCpu = process.cpuUsage(cpu);
  const bytes = encodePixelClassifier(result.classifier);
  const file = join(dir, `model-${name}.onnx`);
  await writeFile(file, bytes);

  const planes = heldOut[0]!.image.planes;
  const preview = await timed(5, async () =>
    previewPng(await classifyPixels(bytes, planes, 1), 'probability', result.classifier.foreground),
  );
  const inference = await inference1024(file);
  const { head } = result.classifier;
  const { classifier: kind, hidden, trees, maxDepth } = result.architecture;
  return {
    name,
    classifier: kind,
    hidden,
    ...(head.kind === 'forest'
      ? { trees, maxDepth, treeNodes: head.forest.trees.reduce((n, tree) => n + tree.feature.length, 0) }
      : {}),
    trainSeconds: round(trainSeconds, 2),
    previewMs: Math.round(preview.ms),
    previewColdMs: Math.round(preview.first),
    // CPU time (all threads) tells what the work costs when other processes share the two cores.
    trainCpuSeconds: round((trainCpu.user + trainCpu.system) / 1e6, 2),
    trainEventLoopMaxStallMs: Math.round(stalls.max / 1e6),
    previewCpuMs: Math.round(preview.cpuMs),
    inference1024Ms: Math.round(inference.ms),
    inference1024CpuMs: Math.round(inference.cpuMs),
    heldOutF1: round(await heldOutF1(file, heldOut)),
    heldOutPixelAccuracy: result.metrics.perClass.map((c) => ({
      className: c.className,
      accuracy: round(c.accuracy, 4),
    })),
    modelBytes: bytes.byteLength,
    labelCounts: result.labelCounts,
  };
}

/** One after the other: concurrent runs would share the two cores and spoil each other's timings. */
async function compare() {
  const rows = [];
  for (const hidden of [0, 8]) rows.push(await measure({ hidden }, hidden ? `MLP ${hidden} hidden` : 'logistic'));
  rows.push(main, await measure({ hidden: 32 }, 'MLP 32 hidden'));
  for (const trees of [20, 50, 100]) {
    rows.push(await measure({ kind: 'forest', trees, maxDepth: 10 }, `forest ${trees} trees depth ≤ 10`));
  }
  return rows;
}

// The first training of a process also creates the filter bank's onnxruntime session and warms the JIT; a server
// pays that once. Measured separately, then every figure below is warm.
const coldStart = performance.now();
await trainPixelClassifier({
  images: syntheticFields({ seed: 1, fields: 1, size: 256, fraction: 0.02 }).map((f) => f.image),
  classes: ['background', 'nucleus'],
  channels: ['DNA'],
});
const firstTrainingSeconds = (performance.now() - coldStart) / 1000;
const main = await measure({ hidden: 16 }, 'MLP 16 hidden');

/** The same training as the API runs it: from files, on the compute pool's worker thread (after its warm-up). */
async function throughPool() {
  const files = await Promise.all(
    train.map(async (f, i) => ({
      channels: [
        {
          name: `train-${i}.tif`,
          bytes: await encodeTiff(
            Uint16Array.from(f.image.planes.data, (v) => Math.round(v * 65535)),
            SIZE,
            SIZE,
            16,
          ),
        },
      ],
      labels: { name: `labels-${i}.tif`, bytes: await encodeTiff(f.image.labels, SIZE, SIZE, 8) },
    })),
  );
  const options = { classes: ['background', 'nucleus'], channels: ['DNA'] };
  const pool = createComputePool();
  await pool.train(files.slice(0, 1), options);
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  const started = performance.now();
  stalls.enable();
  await pool.train(files, options);
  stalls.disable();
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return { trainSeconds: round(seconds, 2), eventLoopMaxStallMs: Math.round(stalls.max / 1e6) };
}
const pooled = await throughPool();
const labelled = train.reduce((n, f) => n + f.image.labels.filter((v) => v > 0).length, 0);
const report = {
  trainSeconds: main.trainSeconds,
  previewMs: main.previewMs,
  heldOutF1: main.heldOutF1,
  previewColdMs: main.previewColdMs,
  trainCpuSeconds: main.trainCpuSeconds,
  trainEventLoopMaxStallMs: main.trainEventLoopMaxStallMs,
  apiTrainSeconds: pooled.trainSeconds,
  apiTrainEventLoopMaxStallMs: pooled.eventLoopMaxStallMs,
  warmUpSeconds: round(firstTrainingSeconds, 2),
  previewCpuMs: main.previewCpuMs,
  inference1024CpuMs: main.inference1024CpuMs,
  loadAverage: round(loadavg()[0]!, 1),
  trainingFields: train.length,
  fieldSize: `${SIZE}x${SIZE}`,
  labelledPixels: labelled,
  labelledFraction: round(labelled / (train.length * SIZE * SIZE), 4),
  labelCounts: main.labelCounts,
  heldOutPixelAccuracy: main.heldOutPixelAccuracy,
  heldOutFields: heldOut.length,
  heldOutObjects: heldOut.reduce((n, f) => n + f.count, 0),
  classifier: `${main.classifier} (${main.hidden} hidden)`,
  modelBytes: main.modelBytes,
  defaultModelHeldOutF1: round(await heldOutF1(DEFAULT_MODEL_PATH.pathname, heldOut)),
  ...(values.compare ? { comparison: await compare() } : {}),
};
await rm(dir, { recursive: true, force: true });
const text = `${JSON.stringify(report, null, 2)}\n`;
if (values.json) await writeFile(values.json, text);
process.stdout.write(text);

/**
 * Accuracy benchmark (issue 13): the segmenter against expert masks it was never fitted to, beside the
 * scikit-image reference (scripts/reference/nuclei.py: Otsu + distance watershed, Debian's python3-skimage) on the
 * same images in the same run.
 *
 *   npm run bench:accuracy -- --json FILE [--model FILE] [--limit N] [--no-taught] [--no-reference]
 *       [--split validation|tune] [--options '{"seedProbability":0.6}']   (tuning: on the tune split only)
 *
 * Sets: `validation` (data/dsb2018's validation split, 20 % of its images, stratified by nucleus size, never used
 * for training or tuning) overall and per size group (`validation/small|medium|large`); `synthetic` (fields of the
 * synthetic generator, masks known); `d03` (the real example field, no masks: counts only); `scale/<d>px` (four
 * medium validation fields resampled so that their nuclei are 8, 16, 40, 80 and 160 px across). Per set: f1At05
 * (pooled F1 at IoU 0.5), ap50 (TP/(TP+FP+FN) at IoU 0.5 per image, averaged), dsbScore (that AP averaged over IoU
 * 0.5 … 0.95), countErrorPct, splits, merges — and `reference`, the same for scikit-image. `taughtF1At05`: per size
 * group, a model taught from generated sparse strokes (≤ 1 % of pixels) on 5 of the group's validation images,
 * fine-tuned from the base model, scored on the group's other validation images; `taughtBaseF1At05`: the base
 * model on those same images.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MODEL_PATH,
  DEFAULT_SEGMENT_OPTIONS,
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  ModelCache,
  type ObjectScores,
  resample,
  type SegmentationModel,
  scaledSize,
  scoreObjects,
  segmentImageSet,
  summarizeScores,
} from '../packages/segmentation/src/index.js';
import { encodeTiff, renderField } from '../packages/synthetic/src/index.js';
import {
  DEFAULT_FINE_TUNE,
  paintStrokes,
  readAnnotatedSet,
  SIZE_GROUPS,
  teachNetwork,
} from '../packages/trainer/src/index.js';
import { findPython, SINGLE_THREAD_ENV } from './lib/reference-python.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    model: { type: 'string' },
    limit: { type: 'string' },
    dir: { type: 'string', default: 'data/dsb2018' },
    'no-taught': { type: 'boolean' },
    'no-reference': { type: 'boolean' },
    split: { type: 'string', default: 'validation' },
    options: { type: 'string' },
    'fine-tune': { type: 'string' },
  },
});

/** Which split is scored: 'validation' for every reported figure; 'tune' to choose post-processing settings on. */
const SPLIT = values.split!;
/** Segment options under test (JSON, merged over the defaults): for tuning on the tune split only. */
const SEGMENT_OPTIONS = { ...DEFAULT_SEGMENT_OPTIONS, ...(values.options ? JSON.parse(values.options) : {}) };

/** Fine-tuning options of the taught models (JSON over DEFAULT_FINE_TUNE): for tuning on the tune split only. */
const FINE_TUNE = { ...DEFAULT_FINE_TUNE, ...(values['fine-tune'] ? JSON.parse(values['fine-tune']) : {}) };

interface Item {
  set: string[];
  name: string;
  path: string;
  truth?: Uint16Array;
  trueDiameter?: number;
}

const D03 = fileURLToPath(
  new URL('../test/fixtures/example-human/AS_09125_050116030001_D03f00d0.tif', import.meta.url),
);
const SYNTHETIC_FIELDS = 8;

async function items(work: string): Promise<Item[]> {
  const dir = values.dir!;
  let entries = (await readAnnotatedSet(dir)).filter((e) => e.split === SPLIT);
  if (values.limit) entries = entries.slice(0, Number(values.limit));
  const out: Item[] = [];
  for (const e of entries) {
    const maskPath = join(dir, 'masks', `${e.stem}.png`);
    const mask = await decodeImage(maskPath, await readFile(maskPath), DEFAULT_SEGMENTER_OPTIONS);
    out.push({
      set: [SPLIT, `${SPLIT}/${e.group}`],
      name: e.stem,
      path: join(dir, 'images', `${e.stem}.png`),
      truth: mask.data as Uint16Array,
      trueDiameter: e.diameter,
    });
  }
  out.push(...(await rescaled(work, out)));
  for (let i = 0; i < SYNTHETIC_FIELDS; i++) {
    const f = renderField({ width: 512, height: 512, seed: 1000 + i, count: 60 + 20 * i });
    const path = join(work, `synthetic-${i}.tif`);
    await writeFile(path, await encodeTiff(f.channels[0], 512, 512, 16, 'none'));
    out.push({ set: ['synthetic'], name: `synthetic-${i}`, path, truth: f.labels });
  }
  out.push({ set: ['d03'], name: 'D03 d0', path: D03 });
  return out;
}

/** Nucleus diameters (px) of the scale sets: the same real fields resampled so that their nuclei have them. */
const SCALE_DIAMETERS = [8, 16, 40, 80, 160];
const SCALE_IMAGES = 4;

/** Labels resized by nearest neighbour (pixel centres), as the image is by `resample`. */
function resizeLabels(labels: Uint16Array, width: number, height: number, w: number, h: number): Uint16Array {
  const out = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++)
      out[y * w + x] = labels[sy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / w))]!;
  }
  return out;
}

/**
 * Sets `scale/<d>px`: the first medium-size validation fields, resampled so that their nuclei are d px across
 * (8 … 160), with their masks resized alike — one model, no parameter changed, across a 20× range of sizes.
 */
async function rescaled(work: string, validation: Item[]): Promise<Item[]> {
  const sources = validation.filter((i) => i.set.includes(`${SPLIT}/medium`)).slice(0, SCALE_IMAGES);
  const out: Item[] = [];
  for (const item of sources) {
    const image = await decodeImage(item.path, await readFile(item.path), DEFAULT_SEGMENTER_OPTIONS);
    const plane = Float32Array.from(image.data, (v) => v / image.maxValue);
    for (const d of SCALE_DIAMETERS) {
      const { width, height } = scaledSize(image.width, image.height, d / item.trueDiameter!);
      const scaled = resample(plane, image.width, image.height, width, height);
      const path = join(work, `${item.name}-${d}px.tif`);
      const samples = Uint16Array.from(scaled, (v) => Math.round(Math.min(1, Math.max(0, v)) * 65535));
      await writeFile(path, await encodeTiff(samples, width, height, 16, 'none'));
      out.push({
        set: [`scale/${d}px`],
        name: `${item.name}@${d}px`,
        path,
        truth: resizeLabels(item.truth!, image.width, image.height, width, height),
        trueDiameter: d,
      });
    }
  }
  return out;
}

async function segment(model: SegmentationModel, item: Item) {
  const image = await decodeImage(item.path, await readFile(item.path), DEFAULT_SEGMENTER_OPTIONS);
  const channel = { name: 'DNA', data: image.data, scale: 1 / image.maxValue };
  const started = performance.now();
  const seg = await segmentImageSet(model, channel, [channel], image.width, image.height, SEGMENT_OPTIONS);
  return {
    labels: seg.labels,
    count: seg.table.count,
    diameter: seg.diameter,
    seconds: (performance.now() - started) / 1000,
  };
}

function summarizeSets(all: Item[], scores: Map<string, ObjectScores>, counts: Map<string, number>) {
  const sets = [...new Set(all.flatMap((i) => i.set))].sort();
  return Object.fromEntries(
    sets.map((set) => {
      const members = all.filter((i) => i.set.includes(set));
      if (members.every((m) => m.truth)) return [set, summarizeScores(members.map((m) => scores.get(m.name)!))];
      return [set, { images: members.length, counts: members.map((m) => counts.get(m.name)) }];
    }),
  );
}

/** Stroke budget of the taught models: at most 1 % of each image's pixels. */
const STROKE_FRACTION = 0.01;
const TEACHING_IMAGES = 5;

/**
 * Per size group: strokes generated from the expert masks of the group's first 5 validation images teach a model
 * (fine-tuned from the base model, as POST /v1/models does), which is scored on the group's other validation images.
 */
async function taught(modelPath: string | URL, all: Item[], baseScores: Map<string, ObjectScores>) {
  const base = await readFile(modelPath);
  const out: Record<string, number> = {};
  const untaught: Record<string, number> = {};
  const seconds: Record<string, number> = {};
  for (const group of SIZE_GROUPS) {
    const members = all.filter((i) => i.set.includes(`${SPLIT}/${group}`));
    if (members.length <= TEACHING_IMAGES) continue;
    const teaching = await Promise.all(
      members.slice(0, TEACHING_IMAGES).map(async (item, k) => {
        const image = await decodeImage(item.path, await readFile(item.path), DEFAULT_SEGMENTER_OPTIONS);
        const data = Float32Array.from(image.data, (v) => v / image.maxValue);
        const labels = paintStrokes(item.truth!, {
          width: image.width,
          height: image.height,
          seed: k + 1,
          fraction: STROKE_FRACTION,
          boundary: true,
        });
        return { name: item.name, data, width: image.width, height: image.height, labels };
      }),
    );
    const started = performance.now();
    const { bytes } = await teachNetwork(base, teaching, FINE_TUNE);
    seconds[group] = Number(((performance.now() - started) / 1000).toFixed(1));
    const model = await new ModelCache().fromBytes(`taught-${group}`, bytes);
    const scores = [];
    for (const item of members.slice(TEACHING_IMAGES))
      scores.push(scoreObjects(item.truth!, (await segment(model, item)).labels));
    out[group] = summarizeScores(scores).f1At05;
    untaught[group] = summarizeScores(members.slice(TEACHING_IMAGES).map((m) => baseScores.get(m.name)!)).f1At05;
    process.stderr.write(`taught ${group}: F1 ${out[group]} (base model on the same images: ${untaught[group]})\n`);
  }
  return { f1: out, base: untaught, seconds };
}

const work = await mkdtemp(join(tmpdir(), 'platescale-accuracy-'));
try {
  const modelPath = values.model ?? DEFAULT_MODEL_PATH;
  const model = await new ModelCache().fromFile(modelPath);
  const all = await items(work);
  const ours = new Map<string, ObjectScores>();
  const ourCounts = new Map<string, number>();
  const diameterRatios: number[] = [];
  let seconds = 0;
  for (const [k, item] of all.entries()) {
    const r = await segment(model, item);
    seconds += r.seconds;
    ourCounts.set(item.name, r.count);
    if (item.truth) ours.set(item.name, scoreObjects(item.truth, r.labels));
    if (item.trueDiameter && item.set.includes(SPLIT))
      diameterRatios.push(Math.exp(Math.abs(Math.log(r.diameter / item.trueDiameter))));
    if ((k + 1) % 20 === 0) process.stderr.write(`segmented ${k + 1}/${all.length}\n`);
  }
  const result: Record<string, unknown> = {
    model: String(modelPath),
    split: SPLIT,
    ...(values.options ? { options: JSON.parse(values.options) } : {}),
    sets: summarizeSets(all, ours, ourCounts),
  };
  diameterRatios.sort((a, b) => a - b);
  result.diameterEstimate = {
    medianRatio: Number(diameterRatios[diameterRatios.length >> 1]!.toFixed(3)),
    p90Ratio: Number(diameterRatios[Math.floor(0.9 * (diameterRatios.length - 1))]!.toFixed(3)),
  };
  result.secondsPerImage = Number((seconds / all.length).toFixed(3));

  const python = values['no-reference'] ? undefined : findPython();
  if (python) {
    const manifest = join(work, 'reference.json');
    const images = all.map((item, i) => ({ path: item.path, out: join(work, `ref-${i}.raw`) }));
    await writeFile(manifest, JSON.stringify({ images }));
    execFileSync(python, [fileURLToPath(new URL('./bench-accuracy-reference.py', import.meta.url)), manifest], {
      stdio: 'inherit',
      env: { ...process.env, ...SINGLE_THREAD_ENV },
    });
    const refScores = new Map<string, ObjectScores>();
    const refCounts = new Map<string, number>();
    for (const [i, item] of all.entries()) {
      const b = await readFile(images[i]!.out);
      const labels = new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
      let max = 0;
      for (const v of labels) if (v > max) max = v;
      refCounts.set(item.name, max);
      if (item.truth) refScores.set(item.name, scoreObjects(item.truth, labels));
    }
    const reference = summarizeSets(all, refScores, refCounts);
    for (const [set, value] of Object.entries(result.sets as Record<string, object>)) {
      (value as Record<string, unknown>).reference = reference[set];
    }
  } else result.referenceSkipped = 'scikit-image not importable (apt install python3-skimage)';
  if (!values['no-taught']) {
    const { f1, base, seconds } = await taught(modelPath, all, ours);
    result.taughtF1At05 = f1;
    result.taughtBaseF1At05 = base;
    result.taughtTrainSeconds = seconds;
  }
  const text = `${JSON.stringify(result, null, 2)}\n`;
  process.stdout.write(text);
  if (values.json) await writeFile(values.json, text);
} finally {
  await rm(work, { recursive: true, force: true });
}

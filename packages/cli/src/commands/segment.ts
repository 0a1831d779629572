import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  analyzeImageSet,
  DEFAULT_SEGMENTER_OPTIONS,
  encodeMask,
  ModelCache,
  objectsToJsonl,
} from '@platescale/segmentation';
import { parseImageName, ValidationError } from '@platescale/shared';
import { diameterOption, parseCommandArgs } from '../lib/args.js';
import { collectImageFiles } from '../lib/image-files.js';
import { loadModelRef } from '../lib/model-ref.js';
import { ProgressBar } from '../lib/progress.js';
import { formatTable } from '../lib/table.js';

const HELP = `usage: platescale segment <image files or dirs> [--model <path|id|key|default>] [--channel <name|index>]
       [--diameter PX] [--masks DIR] [--objects] --json FILE

Segments every image (TIFF or PNG, 8/16-bit, grey/RGB/palette) on its own with the ONNX model and prints the
object counts; --json writes { images: [{ file, count, meanArea, medianArea, objectDiameter, diameterSource,
mask?, objects? }], secondsPerImage }.
  --model     an .onnx file, a model id from POST /v1/models (or its object key), or 'default' (the nuclei
              model shipped with the segmenter; the default)
  --channel   name of the segmented channel in the measurements (default DNA); with files named by a known
              convention (Cellomics, ImageXpress, Opera) a 0-based channel index segments only that channel
  --diameter  the typical nucleus diameter in pixels (default: estimated per image, and reported)
  --masks     also write DIR/<file stem>.png: a 16-bit label image, 0 = background, objects 1..N (as a job stores)
  --objects   include every object's measurements in the JSON`;

interface ImageEntry {
  file: string;
  count?: number;
  meanArea?: number;
  medianArea?: number;
  objectDiameter?: number;
  diameterSource?: string;
  mask?: string;
  objects?: Record<string, number>[];
  error?: string;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    model: { type: 'string' },
    channel: { type: 'string' },
    json: { type: 'string' },
    diameter: { type: 'string' },
    masks: { type: 'string' },
    objects: { type: 'boolean' },
    help: { type: 'boolean' },
  });
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  const channelIndex =
    values.channel !== undefined && /^\d+$/.test(values.channel) ? Number(values.channel) : undefined;
  const channelName = channelIndex === undefined ? (values.channel ?? 'DNA') : 'DNA';
  const files = (await collectImageFiles(positionals)).filter((f) => {
    if (channelIndex === undefined) return true;
    const parsed = parseImageName(f);
    return !parsed || parsed.channel === channelIndex;
  });
  if (files.length === 0) throw new ValidationError('no TIFF or PNG images found', 'files');
  const diameter = diameterOption(values.diameter);
  const options = { ...DEFAULT_SEGMENTER_OPTIONS, ...(diameter !== undefined ? { objectDiameter: diameter } : {}) };
  const stems = new Set<string>();
  const maskPath = (file: string) => {
    // Two files of one stem in different folders must not overwrite each other's mask.
    let stem = basename(file, extname(file));
    for (let k = 2; stems.has(stem); k++) stem = `${basename(file, extname(file))}-${k}`;
    stems.add(stem);
    return join(values.masks!, `${stem}.png`);
  };
  if (values.masks) await mkdir(values.masks, { recursive: true });

  const model = await loadModelRef(values.model, new ModelCache());
  const images: ImageEntry[] = [];
  const progress = new ProgressBar();
  let seconds = 0;
  for (const file of files) {
    const started = performance.now();
    try {
      const bytes = await readFile(file);
      const { segmentation: seg, measurements } = await analyzeImageSet(
        model,
        [{ channel: channelName, file, bytes }],
        channelName,
        options,
      );
      seconds += (performance.now() - started) / 1000;
      const mask = values.masks ? maskPath(file) : undefined;
      if (mask) await writeFile(mask, await encodeMask(seg));
      images.push({
        file,
        count: measurements.count,
        meanArea: measurements.meanArea,
        medianArea: measurements.medianArea,
        objectDiameter: Number(seg.diameter.toFixed(2)),
        diameterSource: seg.diameterSource,
        ...(mask ? { mask } : {}),
        ...(values.objects
          ? {
              objects: objectsToJsonl(seg.table)
                .trim()
                .split('\n')
                .filter(Boolean)
                .map((l) => JSON.parse(l)),
            }
          : {}),
      });
    } catch (err) {
      images.push({ file, error: (err as Error).message });
    }
    const failed = images.filter((i) => i.error !== undefined).length;
    progress.update({ done: images.length - failed, failed, total: files.length });
  }
  const done = images.filter((i) => i.error === undefined).length;
  progress.finish(`segmented ${done}/${images.length} images`);
  const secondsPerImage = done ? Number((seconds / done).toFixed(4)) : 0;
  process.stdout.write(
    `${formatTable(
      ['file', 'count', 'meanArea', 'diameter', 'error'],
      images.map((i) => [i.file, i.count, i.meanArea, i.objectDiameter, i.error]),
    )}\n${done}/${images.length} images segmented, ${secondsPerImage} s per image\n`,
  );
  if (values.json) await writeFile(values.json, `${JSON.stringify({ images, secondsPerImage }, null, 2)}\n`);
  return done === images.length ? 0 : 1;
}

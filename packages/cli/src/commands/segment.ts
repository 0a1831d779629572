import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_SEGMENTER_OPTIONS,
  decodeImage,
  ModelCache,
  objectsToJsonl,
  segmentImageSet,
  summarize,
  toUnitFloat,
} from '@platescale/segmentation';
import { parseImageName, ValidationError } from '@platescale/shared';
import { parseCommandArgs } from '../lib/args.js';
import { loadModelRef } from '../lib/model-ref.js';
import { formatTable } from '../lib/table.js';

const HELP = `usage: platescale segment <image files or dirs> [--model <path|id|key|default>] [--channel <name|index>]
       [--objects] --json FILE

Segments every image (TIFF or PNG, 8/16-bit, grey/RGB/palette) on its own with the ONNX model and prints the
object counts; --json writes { images: [{ file, count, meanArea, medianArea, objects? }], secondsPerImage }.
  --model    an .onnx file, a model id from POST /v1/models (or its object key), or 'default' (the nuclei
             model shipped with the segmenter; the default)
  --channel  name of the segmented channel in the measurements (default DNA); with files named by a known
             convention (Cellomics, ImageXpress, Opera) a 0-based channel index segments only that channel
  --objects  include every object's measurements in the JSON`;

const IMAGE = /\.(tiff?|png)$/i;

async function collect(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => {
      throw new ValidationError(`no such file or directory: ${p}`, 'files');
    });
    if (!info.isDirectory()) {
      files.push(p);
      continue;
    }
    const entries = await readdir(p, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((e) => e.isFile() && IMAGE.test(e.name))
        .map((e) => join(e.parentPath, e.name))
        .sort(),
    );
  }
  return files;
}

interface ImageEntry {
  file: string;
  count?: number;
  meanArea?: number;
  medianArea?: number;
  objects?: Record<string, number>[];
  error?: string;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    model: { type: 'string' },
    channel: { type: 'string' },
    json: { type: 'string' },
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
  const files = (await collect(positionals)).filter((f) => {
    if (channelIndex === undefined) return true;
    const parsed = parseImageName(f);
    return !parsed || parsed.channel === channelIndex;
  });
  if (files.length === 0) throw new ValidationError('no TIFF or PNG images found', 'files');

  const model = await loadModelRef(values.model, new ModelCache());
  const images: ImageEntry[] = [];
  let seconds = 0;
  for (const file of files) {
    const started = performance.now();
    try {
      const image = await decodeImage(file, await readFile(file), DEFAULT_SEGMENTER_OPTIONS);
      const channel = { name: channelName, data: toUnitFloat(image) };
      const seg = await segmentImageSet(
        model,
        channel,
        [channel],
        image.width,
        image.height,
        DEFAULT_SEGMENTER_OPTIONS,
      );
      seconds += (performance.now() - started) / 1000;
      const { count, meanArea, medianArea } = summarize(seg.table, seg.objects, [channelName]);
      images.push({
        file,
        count,
        meanArea,
        medianArea,
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
  }
  const done = images.filter((i) => i.error === undefined).length;
  const secondsPerImage = done ? Number((seconds / done).toFixed(4)) : 0;
  process.stdout.write(
    `${formatTable(
      ['file', 'count', 'meanArea', 'error'],
      images.map((i) => [i.file, i.count, i.meanArea, i.error]),
    )}\n${done}/${images.length} images segmented, ${secondsPerImage} s per image\n`,
  );
  if (values.json) await writeFile(values.json, `${JSON.stringify({ images, secondsPerImage }, null, 2)}\n`);
  return done === images.length ? 0 : 1;
}

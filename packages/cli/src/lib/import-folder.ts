import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { type ObjectStore, type ParsedImageName, parseImageName, ValidationError } from '@platescale/shared';
import { listImageFiles } from './image-files.js';

export interface ImportedFolder {
  prefix: string;
  files: number;
  parsed: ParsedImageName[];
  /** Image files whose names no convention matched: reported to the user, not silently dropped. */
  unrecognized: string[];
}

/** Copies every image under `dir` to `prefix` in the object store, keeping relative paths (Opera plates are folders). */
export async function importFolder(objects: ObjectStore, dir: string, prefix: string): Promise<ImportedFolder> {
  const files = await listImageFiles(dir);
  if (files.length === 0) throw new ValidationError(`no .tif/.tiff/.png images under ${dir}`);
  const parsed: ParsedImageName[] = [];
  const unrecognized: string[] = [];
  for (const file of files) {
    const rel = relative(dir, file).split(sep).join('/');
    await objects.put(`${prefix}${rel}`, await readFile(file));
    const name = parseImageName(rel);
    if (name) parsed.push(name);
    else unrecognized.push(rel);
  }
  return { prefix, files: files.length, parsed, unrecognized };
}

/**
 * The channel to segment: the one named, which must have images, or else the first channel (by index) that has
 * images — a Cellomics folder holding only d2 files is segmented on d2, not on an empty d0.
 */
export function pickSegmentationChannel(
  named: string | undefined,
  channels: readonly string[],
  parsed: readonly ParsedImageName[],
): string {
  const present = [...new Set(parsed.map((p) => p.channel))].sort((a, b) => a - b).map((i) => channels[i]!);
  if (named === undefined) return present[0]!;
  if (!present.includes(named)) {
    throw new ValidationError(
      `--segmentation-channel '${named}' has no images in this folder (channels with images: ${present.join(', ')})`,
      'segmentation-channel',
    );
  }
  return named;
}

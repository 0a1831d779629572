import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@platescale/shared';

const IMAGE = /\.(tiff?|png)$/i;

/** Every TIFF or PNG below a directory, sorted. */
export async function listImageFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The files named, and every TIFF or PNG below the directories named (sorted per directory). */
export async function collectImageFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => {
      throw new ValidationError(`no such file or directory: ${p}`, 'files');
    });
    files.push(...(info.isDirectory() ? await listImageFiles(p) : [p]));
  }
  return files;
}

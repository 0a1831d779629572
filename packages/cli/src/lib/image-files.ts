import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '@platescale/shared';

const IMAGE = /\.(tiff?|png)$/i;

/** The files named, and every TIFF or PNG below the directories named (sorted per directory). */
export async function collectImageFiles(paths: string[]): Promise<string[]> {
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

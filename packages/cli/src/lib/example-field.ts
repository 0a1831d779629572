import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The real example field shipped with the repo (well D03, CellProfiler example images, CC0; see its SOURCE.md). */
export const EXAMPLE_DIR = fileURLToPath(new URL('../../../../test/fixtures/example-human/', import.meta.url));
export const EXAMPLE_PLATE = 'AS_09125_050116030001';
export const EXAMPLE_WELL = 'D03';
/** Cellomics d0/d1/d2 → channel names. */
export const EXAMPLE_CHANNELS = ['DNA', 'PH3', 'CellStain'];
/** Nuclei in d0 by the scikit-image reference (Otsu + distance-transform watershed, objects ≥ 30 px). */
export const EXAMPLE_REFERENCE_COUNT = 316;

export async function exampleFiles(): Promise<{ name: string; body: Buffer }[]> {
  const names = (await readdir(EXAMPLE_DIR)).filter((n) => n.endsWith('.tif')).sort();
  return Promise.all(names.map(async (name) => ({ name, body: await readFile(`${EXAMPLE_DIR}${name}`) })));
}

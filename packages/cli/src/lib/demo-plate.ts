import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet, ObjectStore } from '@platescale/shared';
import type { GroundTruth } from '@platescale/synthetic';
import { EXAMPLE_CHANNELS, EXAMPLE_PLATE, EXAMPLE_WELL, exampleFiles } from './example-field.js';

export const DEMO_EXPERIMENT = 'demo';
export const DEMO_PREFIX = `experiments/${DEMO_EXPERIMENT}/`;

/**
 * Copies a plate written by `writePlate` (in `dir`) and the real example field into the object store under the
 * demo prefix; returns the explicit manifest. Shared by the demo and the web UI's end-to-end test.
 */
export async function uploadDemoImages(objects: ObjectStore, dir: string, truth: GroundTruth): Promise<ImageSet[]> {
  const manifest: ImageSet[] = [];
  for (const f of truth.fields) {
    const images: Record<string, string> = {};
    for (const [c, name] of f.files.entries()) {
      const key = `${DEMO_PREFIX}${truth.plate}/${name}`;
      await objects.put(key, await readFile(join(dir, name)));
      images[truth.channels[c]!] = key;
    }
    manifest.push({ plate: truth.plate, well: f.well, field: f.field, images });
  }
  const example: Record<string, string> = {};
  for (const [c, file] of (await exampleFiles()).entries()) {
    const key = `${DEMO_PREFIX}${EXAMPLE_PLATE}/${file.name}`;
    await objects.put(key, file.body);
    example[EXAMPLE_CHANNELS[c]!] = key;
  }
  manifest.push({ plate: EXAMPLE_PLATE, well: EXAMPLE_WELL, field: 0, images: example });
  return manifest;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ImageSet, type ObjectStore, tenantImageRoot } from '@platescale/shared';
import type { GroundTruth } from '@platescale/synthetic';
import type { ApiClient } from './api-client.js';
import { EXAMPLE_CHANNELS, EXAMPLE_PLATE, EXAMPLE_WELL, exampleFiles } from './example-field.js';

export const DEMO_EXPERIMENT = 'demo';
/** Where the demo's images go in the object store: the tenant's own image folder, as a lab system writes them. */
export const demoPrefix = (tenant: string) => `${tenantImageRoot(tenant)}experiments/${DEMO_EXPERIMENT}/`;

/** Stores one image (`name` is `<plate>/<file>`) where the platform can read it; resolves with its object key. */
export type ImageUploader = (name: string, body: Buffer) => Promise<string>;

/** In-process: straight into the runtime's object store, under the demo prefix of `tenant`. */
export function objectStoreUploader(objects: ObjectStore, tenant: string): ImageUploader {
  return async (name, body) => {
    const key = `${demoPrefix(tenant)}${name}`;
    await objects.put(key, body);
    return key;
  };
}

/** A remote platform (docker compose, AWS): through `POST /v1/uploads`, which keys images by content. */
export function apiUploader(client: ApiClient): ImageUploader {
  return async (_name, body) => {
    const text = await client.requestText('POST', '/v1/uploads', 'application/json', body, 'image/tiff');
    return (JSON.parse(text) as { key: string }).key;
  };
}

/**
 * Uploads a plate written by `writePlate` (in `dir`) and the real example field; returns the explicit manifest.
 * Shared by the demo (in-process or against a remote API) and the web UI's end-to-end test.
 */
export async function uploadDemoImages(upload: ImageUploader, dir: string, truth: GroundTruth): Promise<ImageSet[]> {
  const manifest: ImageSet[] = [];
  for (const f of truth.fields) {
    const images: Record<string, string> = {};
    for (const [c, name] of f.files.entries()) {
      images[truth.channels[c]!] = await upload(`${truth.plate}/${name}`, await readFile(join(dir, name)));
    }
    manifest.push({ plate: truth.plate, well: f.well, field: f.field, images });
  }
  const example: Record<string, string> = {};
  for (const [c, file] of (await exampleFiles()).entries()) {
    example[EXAMPLE_CHANNELS[c]!] = await upload(`${EXAMPLE_PLATE}/${file.name}`, file.body);
  }
  manifest.push({ plate: EXAMPLE_PLATE, well: EXAMPLE_WELL, field: 0, images: example });
  return manifest;
}

/** The longest key prefix (up to a '/') shared by every image of the manifest: the experiment's image prefix. */
export function manifestPrefix(manifest: ImageSet[]): string {
  const keys = manifest.flatMap((s) => Object.values(s.images));
  let prefix = keys[0] ?? '';
  for (const k of keys) while (!k.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}

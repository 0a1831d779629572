import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ListPage, ObjectStore } from '../../../packages/shared/src/index.js';
import { imageFileName } from '../../../packages/synthetic/src/index.js';

export interface KeySpace {
  /** Prefix the synthetic image keys live under (ends with /). */
  prefix: string;
  imageSets: number;
  fieldsPerWell: number;
  wellsPerPlate: number;
  channels: number;
}

const ROWS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Rows × columns of the standard plate formats. */
function plateShape(wells: number): [rows: number, cols: number] {
  if (wells === 96) return [8, 12];
  if (wells === 384) return [16, 24];
  if (wells === 1536) return [32, 48];
  throw new RangeError(`no plate format with ${wells} wells`);
}

const wellName = (i: number, cols: number) => {
  const row = Math.floor(i / cols);
  const name = row < 26 ? ROWS[row]! : `A${ROWS[row - 26]!}`;
  return `${name}${String((i % cols) + 1).padStart(2, '0')}`;
};

/** The image set of index i: plates fill well by well, field by field. */
export function imageSetAt(space: KeySpace, i: number): { plate: string; well: string; field: number } {
  const [, cols] = plateShape(space.wellsPerPlate);
  const perPlate = space.wellsPerPlate * space.fieldsPerWell;
  const plate = `P${String(Math.floor(i / perPlate) + 1).padStart(4, '0')}`;
  const inPlate = i % perPlate;
  return {
    plate,
    well: wellName(Math.floor(inPlate / space.fieldsPerWell), cols),
    field: inPlate % space.fieldsPerWell,
  };
}

/**
 * The object store with `space.prefix` listed from a synthetic key space of imageSets × channels image keys
 * (S3 pages of ≤ 1,000, continuation tokens, nothing on disk): the stand-in segmenter never reads the pixels, so
 * only the listing of N image sets is real work. Everything else goes to `objects`.
 */
export function withSyntheticListing(objects: ObjectStore, space: KeySpace): ObjectStore {
  const total = space.imageSets * space.channels;
  const keyAt = (k: number) => {
    const set = imageSetAt(space, Math.floor(k / space.channels));
    return `${space.prefix}${imageFileName(set.plate, set.well, set.field, k % space.channels)}`;
  };
  const store: ObjectStore = {
    bucket: objects.bucket,
    put: (...args) => objects.put(...args),
    get: (key) => objects.get(key),
    head: (key) => objects.head(key),
    delete: (key) => objects.delete(key),
    async list(prefix, opts = {}): Promise<ListPage> {
      if (!prefix.startsWith(space.prefix)) return objects.list(prefix, opts);
      // A page is a round trip on S3: without yielding, listing 1,000,000 keys would be one run of microtasks that
      // starves every socket of the process (the API's own database connections time out).
      await nextTurn();
      const start = opts.continuationToken ? Number(opts.continuationToken) : 0;
      const end = Math.min(total, start + (opts.maxKeys ?? 1000));
      const page: ListPage = { objects: [] };
      for (let k = start; k < end; k++) {
        page.objects.push({ key: keyAt(k), size: 1, etag: '"0"', lastModified: new Date(0) });
      }
      if (end < total) page.nextContinuationToken = String(end);
      return page;
    },
    withBucket: (bucket) => (bucket === objects.bucket ? store : objects.withBucket(bucket)),
  };
  return store;
}

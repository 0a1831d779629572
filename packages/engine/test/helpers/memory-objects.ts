import { createHash } from 'node:crypto';
import type { ListPage, ObjectInfo, ObjectStore } from '@platescale/shared';
import { ObjectNotFoundError } from '@platescale/shared';

/** A tiny in-memory ObjectStore with S3 listing semantics, for engine tests only. */
export function createMemoryObjects(
  bucket = 'test-bucket',
  data = new Map<string, Map<string, Buffer>>(),
): ObjectStore {
  const objects = data.get(bucket) ?? new Map<string, Buffer>();
  data.set(bucket, objects);
  const info = (key: string, body: Buffer): ObjectInfo => ({
    key,
    size: body.length,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    lastModified: new Date('2026-01-01T00:00:00Z'),
  });
  return {
    bucket,
    async put(key, body) {
      const buf = Buffer.from(body);
      objects.set(key, buf);
      return info(key, buf);
    },
    async get(key) {
      const b = objects.get(key);
      if (!b) throw new ObjectNotFoundError(bucket, key);
      return b;
    },
    async head(key) {
      const b = objects.get(key);
      return b && info(key, b);
    },
    async list(prefix, opts = {}): Promise<ListPage> {
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
      const start = opts.continuationToken ? keys.findIndex((k) => k > opts.continuationToken!) : 0;
      const max = Math.min(opts.maxKeys ?? 1000, 1000);
      const page = start < 0 ? [] : keys.slice(start, start + max);
      const more = start >= 0 && start + max < keys.length;
      return {
        objects: page.map((k) => info(k, objects.get(k)!)),
        ...(more ? { nextContinuationToken: page[page.length - 1]! } : {}),
      };
    },
    async delete(key) {
      objects.delete(key);
    },
    withBucket(other) {
      return createMemoryObjects(other, data);
    },
  };
}

export async function readJson<T = unknown>(store: ObjectStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}

import { createHash } from 'node:crypto';
import { type ObjectInfo, ObjectNotFoundError, type ObjectStore } from '@platescale/shared';

/** An in-memory ObjectStore (S3 semantics, shared across buckets) with a switch to simulate an outage. */
export function createMemoryStore(bucket = 'test', shared = new Map<string, Buffer>(), failWith?: () => Error) {
  const info = (key: string, body: Buffer): ObjectInfo => ({
    key,
    size: body.length,
    etag: `"${createHash('md5').update(body).digest('hex')}"`,
    lastModified: new Date(0),
  });
  const path = (key: string) => `${bucket}/${key}`;
  const store: ObjectStore & { failWith?: () => Error; objects: Map<string, Buffer> } = {
    bucket,
    objects: shared,
    failWith,
    async put(key, body) {
      const buf = Buffer.from(body);
      shared.set(path(key), buf);
      return info(key, buf);
    },
    async get(key) {
      if (store.failWith) throw store.failWith();
      const body = shared.get(path(key));
      if (!body) throw new ObjectNotFoundError(bucket, key);
      return body;
    },
    async head(key) {
      if (store.failWith) throw store.failWith();
      const body = shared.get(path(key));
      return body ? info(key, body) : undefined;
    },
    async list(prefix) {
      const objects = [...shared.entries()]
        .filter(([k]) => k.startsWith(path(prefix)))
        .map(([k, b]) => info(k.slice(bucket.length + 1), b));
      return { objects };
    },
    async delete(key) {
      shared.delete(path(key));
    },
    withBucket(other) {
      return createMemoryStore(other, shared, store.failWith);
    },
  };
  return store;
}

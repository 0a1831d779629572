import { randomUUID } from 'node:crypto';
import type { Stats } from 'node:fs';
import { mkdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { type ListPage, type ObjectInfo, ObjectNotFoundError, type ObjectStore } from '@platescale/shared';
import { ObjectKeyConflictError, ObjectStoreFullError } from '../errors.js';
import { decodeContinuation, encodeContinuation } from './continuation.js';
import { etagOf, etagOfFile } from './etag.js';
import { assertBucketName, assertSafeKey, pageSize } from './keys.js';
import { SortedDirectories } from './sorted-directories.js';

/** Hashing a large image on every listing would dominate; an ETag stays valid while the file is unchanged. */
type EtagCache = Map<string, { stamp: string; etag: string }>;

const stampOf = (s: Stats) => `${s.ino}:${s.size}:${s.mtimeMs}`;

export interface FilesystemObjectStoreOptions {
  /** Writes a temp file (default fs.promises.writeFile): fault-injection tests fill the disk through it. */
  writeFile?: (path: string, data: Uint8Array) => Promise<void>;
}

/**
 * The embedded object store: `<root>/<bucket>/<key>` files with S3 semantics (lexicographic listing with
 * continuation tokens, quoted-MD5 ETags, idempotent delete). Writes are atomic (temp file + rename) so a
 * concurrent reader sees the old or the new object, never half of one; a write that fails (a full disk) leaves
 * no temp file behind.
 */
export function createFilesystemObjectStore(
  root: string,
  bucket: string,
  opts: FilesystemObjectStoreOptions = {},
): ObjectStore {
  return bindBucket(resolve(root), bucket, new Map(), opts.writeFile ?? writeFile);
}

function bindBucket(
  root: string,
  bucket: string,
  etags: EtagCache,
  writeTemp: (path: string, data: Uint8Array) => Promise<void>,
): ObjectStore {
  assertBucketName(bucket);
  const bucketDir = join(root, bucket);
  const tmpDir = join(root, '.tmp');
  const directories = new SortedDirectories(bucketDir);
  const pathOf = (key: string) => {
    assertSafeKey(key);
    return join(bucketDir, key);
  };

  async function info(key: string, path: string, s: Stats, knownEtag?: string): Promise<ObjectInfo> {
    const stamp = stampOf(s);
    let etag = knownEtag ?? (etags.get(path)?.stamp === stamp ? etags.get(path)?.etag : undefined);
    if (etag === undefined) etag = await etagOfFile(path);
    etags.set(path, { stamp, etag });
    return { key, size: s.size, etag, lastModified: s.mtime };
  }

  async function statFile(path: string): Promise<Stats | undefined> {
    try {
      const s = await stat(path);
      return s.isFile() ? s : undefined;
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async function writeAtomically(key: string, path: string, data: Uint8Array): Promise<void> {
    const tmp = join(tmpDir, randomUUID());
    try {
      await mkdir(tmpDir, { recursive: true });
      await writeTemp(tmp, data);
      await moveIntoPlace(key, tmp, path);
    } catch (err) {
      if (errCode(err) === 'ENOSPC' || errCode(err) === 'EDQUOT') throw new ObjectStoreFullError(key, err);
      throw err;
    } finally {
      // Also after a failed write: a disk that filled mid-write holds part of the temp file.
      await rm(tmp, { force: true });
    }
  }

  async function moveIntoPlace(key: string, tmp: string, path: string): Promise<void> {
    // A concurrent delete may prune the parent directory between mkdir and rename: retry once.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(dirname(path), { recursive: true });
        await rename(tmp, path);
        return;
      } catch (err) {
        const code = errCode(err);
        if (code === 'ENOENT' && attempt === 0) continue;
        if (code === 'ENOTDIR' || code === 'EEXIST')
          throw new ObjectKeyConflictError(key, 'a prefix of it is an object');
        if (code === 'EISDIR') throw new ObjectKeyConflictError(key, 'other keys continue it with "/"');
        throw err;
      }
    }
  }

  async function pruneEmptyParents(path: string): Promise<void> {
    for (let dir = dirname(path); dir.startsWith(bucketDir + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        return;
      }
    }
  }

  return {
    bucket,
    async put(key, body) {
      const path = pathOf(key);
      const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      await writeAtomically(key, path, data);
      return info(key, path, await stat(path), etagOf(data));
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isMissing(err) || errCode(err) === 'EISDIR') throw new ObjectNotFoundError(bucket, key);
        throw err;
      }
    },
    async head(key) {
      const path = pathOf(key);
      const s = await statFile(path);
      return s ? info(key, path, s) : undefined;
    },
    async list(prefix, opts = {}): Promise<ListPage> {
      if (prefix !== '') assertSafeKey(`${prefix}x`);
      const after = opts.continuationToken === undefined ? undefined : decodeContinuation(opts.continuationToken);
      const size = pageSize(opts.maxKeys);
      // One key more than the page: whether there is a next page.
      const keys = await directories.keys(prefix, after, size + 1);
      const objects: ObjectInfo[] = [];
      for (const key of keys.slice(0, size)) {
        const path = join(bucketDir, key);
        const s = await statFile(path);
        if (s) objects.push(await info(key, path, s));
      }
      const last = keys[size - 1];
      return keys.length > size && last !== undefined
        ? { objects, nextContinuationToken: encodeContinuation(last) }
        : { objects };
    },
    async delete(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (err) {
        // S3 deletes are idempotent; a "directory" key (other keys below it) is not an object either.
        if (isMissing(err) || errCode(err) === 'EISDIR' || errCode(err) === 'EPERM') return;
        throw err;
      }
      etags.delete(path);
      await pruneEmptyParents(path);
    },
    withBucket(other) {
      return bindBucket(root, other, etags, writeTemp);
    },
  };
}

const errCode = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;
const isMissing = (err: unknown) => errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR';

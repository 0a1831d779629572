import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectNotFoundError, UnsafeKeyError, ValidationError } from '@platescale/shared';
import t from 'tap';
import { ObjectKeyConflictError, ObjectStoreFullError } from '../../src/errors.js';
import { createFilesystemObjectStore } from '../../src/objects/filesystem.js';

async function tempRoot(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'platescale-fs-store-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  return root;
}

t.test('put/get/head/delete round-trip at <root>/<bucket>/<key>', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(root, 'bucket');
  const info = await store.put('exp/a b/img.tif', 'hello');
  t.equal(info.etag, `"${createHash('md5').update('hello').digest('hex')}"`, 'quoted MD5 ETag');
  t.equal(info.size, 5);
  t.equal(await readFile(join(root, 'bucket/exp/a b/img.tif'), 'utf8'), 'hello');
  t.same(await store.get('exp/a b/img.tif'), Buffer.from('hello'));
  t.match(await store.head('exp/a b/img.tif'), { key: 'exp/a b/img.tif', size: 5, etag: info.etag });
  t.equal(await store.head('exp/none'), undefined);
  await t.rejects(store.get('exp/none'), ObjectNotFoundError);
  await t.rejects(store.get('exp'), ObjectNotFoundError, 'a "directory" is not an object');
  await store.delete('exp/a b/img.tif');
  await store.delete('exp/a b/img.tif');
  t.same(await readdir(join(root, 'bucket')), [], 'empty parent directories are pruned');
  t.same(await readdir(join(root, '.tmp')), [], 'no temp files left behind');
});

t.test('unsafe keys never touch the filesystem', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(join(root, 'store'), 'bucket');
  for (const key of ['../../escape', '/abs', 'a//b', 'a\\b', 'a\0b', '']) {
    await t.rejects(store.put(key, 'x'), UnsafeKeyError, JSON.stringify(key));
    await t.rejects(store.get(key), UnsafeKeyError);
    await t.rejects(store.delete(key), UnsafeKeyError);
  }
  await t.rejects(store.list('../'), UnsafeKeyError);
  t.same(await readdir(root), [], 'nothing was written anywhere');
  t.throws(() => store.withBucket('../other'), ValidationError);
});

t.test('listing is lexicographic by UTF-8 key, prefix-filtered, paged with continuation tokens', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(root, 'bucket');
  // '-' (0x2d) < '/' (0x2f) < '0' (0x30): a directory walk order would get these wrong.
  const keys = ['p/a0', 'p/a/z', 'p/a-b', 'p/b', 'p/é', 'p/z', 'q/x', 'pa'];
  for (const key of keys) await store.put(key, key);
  const all: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await store.list('p/', { maxKeys: 2, ...(token ? { continuationToken: token } : {}) });
    all.push(...page.objects.map((o) => o.key));
    token = page.nextContinuationToken;
    pages++;
  } while (token);
  t.same(all, ['p/a-b', 'p/a/z', 'p/a0', 'p/b', 'p/z', 'p/é']);
  t.equal(pages, 3);
  t.same(
    (await store.list('p/a')).objects.map((o) => o.key),
    ['p/a-b', 'p/a/z', 'p/a0'],
    'a prefix need not end at a "/"',
  );
  t.same((await store.list('')).objects.length, keys.length);
  t.same((await store.list('nothing/')).objects, []);
  t.equal((await store.list('p/', { maxKeys: 5000 })).nextContinuationToken, undefined, 'maxKeys capped, one page');
  await t.rejects(store.list('p/', { continuationToken: '!!' }), ValidationError);
});

/** Every page of a listing, concatenated. */
async function listAll(store: ReturnType<typeof createFilesystemObjectStore>, prefix: string, maxKeys: number) {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await store.list(prefix, { maxKeys, ...(token ? { continuationToken: token } : {}) });
    keys.push(...page.objects.map((o) => o.key));
    token = page.nextContinuationToken;
  } while (token);
  return keys;
}

/** Sets every directory's mtime an hour back: the store keeps the sorted entries of directories that are quiet. */
async function quieten(dir: string): Promise<void> {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await quieten(join(dir, entry.name));
  }
  await utimes(dir, past, past);
}

t.test(
  'pages of every size over a random tree equal the sorted, prefix-filtered keys; changes between pages show',
  async (t) => {
    const root = await tempRoot(t);
    const store = createFilesystemObjectStore(root, 'bucket');
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const parts = ['a', 'a-b', 'a0', 'ab', 'A', 'é', 'z', 'p.1', 'b'];
    const keys = new Set<string>();
    while (keys.size < 400) {
      const depth = 1 + random(3);
      const key = `${Array.from({ length: depth }, () => parts[random(parts.length)]).join('/')}-${random(50)}`;
      // The filesystem cannot hold both a and a/b (a test above): keep keys whose directories are no file.
      if ([...keys].some((k) => key.startsWith(`${k}/`) || k.startsWith(`${key}/`))) continue;
      keys.add(key);
    }
    for (const key of keys) await store.put(key, 'x');
    await quieten(join(root, 'bucket'));
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const sorted = [...keys].sort(utf8);
    for (const prefix of ['', 'a', 'a/', 'a-', 'a/a0/', 'é/', 'z/b', 'none/']) {
      const expected = sorted.filter((k) => k.startsWith(prefix));
      for (const maxKeys of [1, 7, 1000]) {
        t.same(
          await listAll(store, prefix, maxKeys),
          expected,
          `prefix ${JSON.stringify(prefix)}, pages of ${maxKeys}`,
        );
      }
    }

    // A key written between two pages, after the continuation, is on a later page; one before it is not.
    const first = await store.list('', { maxKeys: 200 });
    const last = first.objects.at(-1)!.key;
    const later = sorted.find((k) => utf8(k, last) > 0 && k.includes('/'))!;
    const added = `${later.slice(0, later.lastIndexOf('/'))}/zz-new`;
    await store.put(added, 'x');
    const rest = await listAll(store, '', 1000).then((all) => all.filter((k) => utf8(k, last) > 0));
    t.ok(rest.includes(added), `${added}, written between pages, is listed`);
    t.equal(rest.length, sorted.filter((k) => utf8(k, last) > 0).length + 1);
  },
);

t.test('listing reports the ETag of files written behind the store’s back', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(root, 'bucket');
  await store.put('k', 'one');
  await new Promise((r) => setTimeout(r, 10));
  await writeFile(join(root, 'bucket/k'), 'two!');
  const [info] = (await store.list('')).objects;
  t.equal(info?.etag, `"${createHash('md5').update('two!').digest('hex')}"`);
});

t.test('S3 allows a and a/b; the filesystem cannot, and says so', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(root, 'bucket');
  await store.put('a', '1');
  await t.rejects(store.put('a/b', '2'), ObjectKeyConflictError);
  await store.put('c/d', '3');
  await t.rejects(store.put('c', '4'), ObjectKeyConflictError);
  t.same(await store.get('c/d'), Buffer.from('3'));
});

t.test('withBucket shares the root; concurrent writes to one key leave one whole value', async (t) => {
  const root = await tempRoot(t);
  const store = createFilesystemObjectStore(root, 'one');
  const other = store.withBucket('two');
  t.equal(other.bucket, 'two');
  await other.put('k', 'in two');
  t.equal(await store.head('k'), undefined);
  const bodies = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
  await Promise.all(bodies.map((b) => store.put('k', b)));
  t.ok(bodies.includes((await store.get('k')).toString()), 'never a torn write');
});

t.test('a disk that fills mid-write: ObjectStoreFullError naming the key, no object, no temp file left', async (t) => {
  const root = await tempRoot(t);
  let full = false;
  // Like a real full disk: part of the bytes land in the file, then the write fails with ENOSPC.
  const store = createFilesystemObjectStore(root, 'bucket', {
    async writeFile(path, data) {
      if (!full) return writeFile(path, data);
      await appendFile(path, data.subarray(0, Math.floor(data.length / 2)));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  });
  await store.put('res/old.png', 'the old value');
  full = true;
  const err = await store.put('res/new.png', 'x'.repeat(1000)).catch((e: unknown) => e);
  t.type(err, ObjectStoreFullError);
  t.match(err, { code: 'object_store_full', retryable: false, message: /res\/new\.png.*ENOSPC/ });
  await t.rejects(store.put('res/old.png', 'a new value'), ObjectStoreFullError);
  t.equal(await store.head('res/new.png'), undefined, 'the failed object is not there');
  t.equal((await store.get('res/old.png')).toString(), 'the old value', 'an overwrite that failed kept the old value');
  t.same(
    (await store.list('res/')).objects.map((o) => o.key),
    ['res/old.png'],
  );
  t.same(await readdir(join(root, '.tmp')), [], 'no partial temp file is left to fill the disk further');
});

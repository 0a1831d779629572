import { createHash, randomBytes } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ObjectNotFoundError, type ObjectStore, UnavailableError } from '@platescale/shared';
import t from 'tap';
import { createS3ObjectStore } from '../../src/objects/s3.js';
import { S3RVER_CREDENTIALS, startS3Server } from '../helpers/s3-server.js';

// The S3 store against a real S3 API server (s3rver): what the request-shape tests in s3.test.ts cannot show —
// the protocol round trip, ListObjectsV2 paging and continuation, ETags, errors as a server sends them.
Object.assign(process.env, S3RVER_CREDENTIALS);
const server = await startS3Server(['images', 'results']);
t.teardown(() => server.close());
const store = createS3ObjectStore({ bucket: 'images', region: 'us-east-1', endpoint: server.endpoint });

const md5Etag = (body: Uint8Array | string) => `"${createHash('md5').update(body).digest('hex')}"`;

/** Every key under a prefix, page by page; also returns the page sizes. */
async function listAll(objects: ObjectStore, prefix: string, maxKeys?: number) {
  const keys: string[] = [];
  const pages: number[] = [];
  let token: string | undefined;
  do {
    const page = await objects.list(prefix, {
      ...(maxKeys ? { maxKeys } : {}),
      ...(token ? { continuationToken: token } : {}),
    });
    keys.push(...page.objects.map((o) => o.key));
    pages.push(page.objects.length);
    token = page.nextContinuationToken;
  } while (token);
  return { keys, pages };
}

t.test('put, get, head and delete round-trip; ETags are the MD5 of the body', async (t) => {
  const info = await store.put('exp-1/A01_s1_w1.tif', 'sixteen bit data', { contentType: 'image/tiff' });
  t.match(info, { key: 'exp-1/A01_s1_w1.tif', size: 16, etag: md5Etag('sixteen bit data') });
  t.equal((await store.get('exp-1/A01_s1_w1.tif')).toString(), 'sixteen bit data');
  const head = await store.head('exp-1/A01_s1_w1.tif');
  t.match(head, { key: 'exp-1/A01_s1_w1.tif', size: 16, etag: info.etag });
  t.ok(head && Math.abs(head.lastModified.getTime() - Date.now()) < 60_000, 'lastModified from the server');
  const raw = new S3Client({ region: 'us-east-1', endpoint: server.endpoint, forcePathStyle: true });
  t.teardown(() => raw.destroy());
  const stored = await raw.send(new HeadObjectCommand({ Bucket: 'images', Key: 'exp-1/A01_s1_w1.tif' }));
  t.equal(stored.ContentType, 'image/tiff', 'content type stored with the object');

  const again = await store.put('exp-1/A01_s1_w1.tif', 'other data');
  t.not(again.etag, info.etag, 'new content, new ETag');
  t.equal((await store.head('exp-1/A01_s1_w1.tif'))?.etag, again.etag);
  const listed = await store.list('exp-1/');
  t.same(
    listed.objects.map((o) => [o.key, o.size, o.etag]),
    [['exp-1/A01_s1_w1.tif', 10, again.etag]],
    'list reports the same size and ETag',
  );
  await store.delete('exp-1/A01_s1_w1.tif');
  t.equal(await store.head('exp-1/A01_s1_w1.tif'), undefined);
});

t.test('listing more than 1,000 keys: pages of at most 1,000, continuation, prefix, lexicographic order', async (t) => {
  const keys = Array.from({ length: 1050 }, (_, i) => `plate-1/${String(i).padStart(5, '0')}.tif`);
  for (let i = 0; i < keys.length; i += 100) {
    await Promise.all(keys.slice(i, i + 100).map((k) => store.put(k, k)));
  }
  await store.put('plate-10/outside.tif', 'x');
  await store.put('plate-0/before.tif', 'x');

  const first = await store.list('plate-1/');
  t.equal(first.objects.length, 1000, 'the first page is full');
  t.ok(first.nextContinuationToken, 'with a continuation token');
  const second = await store.list('plate-1/', { continuationToken: first.nextContinuationToken as string });
  t.equal(second.objects.length, 50, 'the rest');
  t.equal(second.nextContinuationToken, undefined, 'and no token after the last page');
  t.same(
    [...first.objects, ...second.objects].map((o) => o.key),
    keys,
    'every key once, in key order',
  );

  t.same((await listAll(store, 'plate-1/', 5000)).pages, [1000, 50], 'maxKeys above 1,000 is capped');
  const small = await listAll(store, 'plate-1/', 500);
  t.same(small.pages, [500, 500, 50], 'smaller pages on request');
  t.same(small.keys, keys);
  t.same(
    (await listAll(store, 'plate-')).keys.filter((k) => !k.startsWith('plate-1/')),
    ['plate-0/before.tif', 'plate-10/outside.tif'],
    "a prefix is a string prefix, not a directory: 'plate-' holds all three plates",
  );
  t.same((await store.list('plate-2/')).objects, [], 'an empty prefix lists nothing');
});

t.test('missing keys and buckets', async (t) => {
  const missing = await store.get('no/such/key.tif').catch((e: unknown) => e);
  t.type(missing, ObjectNotFoundError);
  t.match(missing, { message: /no\/such\/key\.tif/ }, 'names the key');
  t.equal(await store.head('no/such/key.tif'), undefined);
  await t.resolves(store.delete('no/such/key.tif'), 'deleting a missing key succeeds, as on S3');
  const noBucket = await store
    .withBucket('no-such-bucket')
    .get('k')
    .catch((e: unknown) => e);
  t.notOk(noBucket instanceof ObjectNotFoundError, 'a missing bucket is not a missing object');
  t.match(noBucket, { name: 'NoSuchBucket' });
});

t.test('large objects round-trip byte for byte', async (t) => {
  const body = randomBytes(24 * 1024 * 1024);
  const info = await store.put('large/field.tif', body);
  t.match(info, { size: body.length, etag: md5Etag(body) });
  const back = await store.get('large/field.tif');
  t.equal(back.length, body.length);
  t.ok(back.equals(body), 'same bytes');
  t.equal((await store.head('large/field.tif'))?.size, body.length);
});

t.test('withBucket: the same client on another bucket, keys isolated', async (t) => {
  const results = store.withBucket('results');
  await results.put('jobs/j1/manifest.json', '[]');
  t.equal(await store.head('jobs/j1/manifest.json'), undefined, 'not in the images bucket');
  t.equal((await results.get('jobs/j1/manifest.json')).toString(), '[]');
});

t.test('a server that is gone is UnavailableError (retryable), after the SDK retries', async (t) => {
  const gone = await startS3Server(['images']);
  const objects = createS3ObjectStore({ bucket: 'images', region: 'us-east-1', endpoint: gone.endpoint });
  await objects.put('k', 'v');
  await gone.close();
  const err = await objects.get('k').catch((e: unknown) => e);
  t.type(err, UnavailableError);
  t.equal((err as UnavailableError).retryable, true);
});

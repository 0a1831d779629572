import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, UnavailableError, UnsafeKeyError } from '@platescale/shared';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { createS3ObjectStore } from '../../src/objects/s3.js';

const s3 = mockClient(S3Client);
t.beforeEach(() => s3.reset());

const body = (text: string) =>
  ({ transformToByteArray: async () => new TextEncoder().encode(text) }) as unknown as GetObjectCommandOutput['Body'];

const serviceError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

t.test('put/get/head/delete send the expected requests', async (t) => {
  s3.on(PutObjectCommand).resolves({ ETag: '"abc"' });
  s3.on(GetObjectCommand).resolves({ Body: body('hello') });
  s3.on(HeadObjectCommand).resolves({ ContentLength: 5, ETag: '"abc"', LastModified: new Date(0) });
  s3.on(DeleteObjectCommand).resolves({});
  const store = createS3ObjectStore({ bucket: 'images', region: 'eu-west-1' });
  const info = await store.put('exp/a.tif', 'hello', { contentType: 'image/tiff' });
  t.match(info, { key: 'exp/a.tif', size: 5, etag: '"abc"' });
  t.same((await store.get('exp/a.tif')).toString(), 'hello');
  t.match(await store.head('exp/a.tif'), { key: 'exp/a.tif', size: 5, etag: '"abc"' });
  await store.delete('exp/a.tif');
  const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
  t.match(put, { Bucket: 'images', Key: 'exp/a.tif', ContentType: 'image/tiff' });
  t.same(Buffer.from(put?.Body as Uint8Array).toString(), 'hello');
  t.same(s3.commandCalls(GetObjectCommand)[0]?.args[0].input, { Bucket: 'images', Key: 'exp/a.tif' });
  t.same(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input, { Bucket: 'images', Key: 'exp/a.tif' });
});

t.test('the client retries throttling itself: 5 adaptive attempts; an endpoint means path style', async (t) => {
  s3.on(DeleteObjectCommand).resolves({});
  await createS3ObjectStore({ bucket: 'b-1', region: 'us-east-1', endpoint: 'http://s3:8333' }).delete('k');
  const client = s3.call(0).thisValue as S3Client;
  t.equal(await client.config.maxAttempts(), 5);
  t.equal(client.config.retryMode, 'adaptive');
  t.equal(client.config.forcePathStyle, true);
});

t.test('listing pages through ListObjectsV2 with continuation tokens and maxKeys ≤ 1000', async (t) => {
  s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
    IsTruncated: true,
    NextContinuationToken: 'tok-2',
    Contents: [{ Key: 'p/a', Size: 1, ETag: '"1"', LastModified: new Date(1) }],
  });
  s3.on(ListObjectsV2Command, { ContinuationToken: 'tok-2' }).resolves({
    IsTruncated: false,
    Contents: [{ Key: 'p/b', Size: 2, ETag: '"2"', LastModified: new Date(2) }],
  });
  const store = createS3ObjectStore({ bucket: 'images', region: 'us-east-1' });
  const first = await store.list('p/', { maxKeys: 5000 });
  t.same(
    first.objects.map((o) => o.key),
    ['p/a'],
  );
  t.equal(first.nextContinuationToken, 'tok-2');
  const second = await store.list('p/', { continuationToken: 'tok-2' });
  t.same(
    second.objects.map((o) => o.key),
    ['p/b'],
  );
  t.equal(second.nextContinuationToken, undefined);
  t.same(
    s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input),
    [
      { Bucket: 'images', Prefix: 'p/', MaxKeys: 1000 },
      { Bucket: 'images', Prefix: 'p/', MaxKeys: 1000, ContinuationToken: 'tok-2' },
    ],
  );
});

t.test('errors map to our classes', async (t) => {
  const store = createS3ObjectStore({ bucket: 'images', region: 'us-east-1' });
  s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no', $metadata: { httpStatusCode: 404 } }));
  await t.rejects(store.get('missing'), ObjectNotFoundError);
  s3.on(HeadObjectCommand).rejects(new NotFound({ message: 'no', $metadata: { httpStatusCode: 404 } }));
  t.equal(await store.head('missing'), undefined);
  s3.on(ListObjectsV2Command).rejects(serviceError('SlowDown', 503));
  const throttled = await store.list('p/').catch((e: unknown) => e);
  t.type(throttled, UnavailableError);
  t.equal((throttled as UnavailableError).retryable, true);
  s3.on(PutObjectCommand).rejects(serviceError('InternalError', 500));
  await t.rejects(store.put('k', 'v'), UnavailableError);
  s3.on(DeleteObjectCommand).rejects(serviceError('AccessDenied', 403));
  await t.rejects(store.delete('k'), { name: 'AccessDenied' }, 'non-transient errors pass through unchanged');
  await t.rejects(store.get('../etc/passwd'), UnsafeKeyError, 'same key rules as the filesystem store');
  t.equal(s3.commandCalls(GetObjectCommand).length, 1, 'an unsafe key sends no request');
});

t.test('withBucket keeps the client and changes the bucket', async (t) => {
  s3.on(HeadObjectCommand).resolves({ ContentLength: 1 });
  const results = createS3ObjectStore({ bucket: 'images', region: 'us-east-1' }).withBucket('results');
  t.equal(results.bucket, 'results');
  await results.head('k');
  t.match(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input, { Bucket: 'results', Key: 'k' });
});

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ObjectNotFoundError, type ObjectStore } from '@platescale/shared';
import { AWS_RETRY_CONFIG, mapAwsError } from '../aws/errors.js';
import { assertBucketName, assertSafeKey, pageSize } from './keys.js';

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible endpoint (docker compose); implies path-style addressing. */
  endpoint?: string;
}

/**
 * The S3 object store. Keys are checked by the same rules as the filesystem store, so a key that works
 * embedded works on AWS and the other way round. Throttling and 5xx are retried by the SDK (adaptive mode);
 * what still fails is mapped to UnavailableError.
 */
export function createS3ObjectStore(opts: S3ObjectStoreOptions): ObjectStore {
  const client = new S3Client({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint, forcePathStyle: true } : {}),
    ...AWS_RETRY_CONFIG,
  });
  return bindBucket(client, opts.bucket);
}

function bindBucket(client: S3Client, bucket: string): ObjectStore {
  assertBucketName(bucket);
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapAwsError(err, `S3 ${what} s3://${bucket}`);
    }
  };

  return {
    bucket,
    async put(key, body, putOpts) {
      assertSafeKey(key);
      const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const out = await call('PutObject', () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: data,
            ...(putOpts?.contentType ? { ContentType: putOpts.contentType } : {}),
          }),
        ),
      );
      return { key, size: data.byteLength, etag: out.ETag ?? '', lastModified: new Date() };
    },
    async get(key) {
      assertSafeKey(key);
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!out.Body) throw new ObjectNotFoundError(bucket, key);
        return Buffer.from(await out.Body.transformToByteArray());
      } catch (err) {
        if (isNotFound(err)) throw new ObjectNotFoundError(bucket, key);
        throw mapAwsError(err, `S3 GetObject s3://${bucket}`);
      }
    },
    async head(key) {
      assertSafeKey(key);
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          key,
          size: out.ContentLength ?? 0,
          etag: out.ETag ?? '',
          lastModified: out.LastModified ?? new Date(0),
        };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw mapAwsError(err, `S3 HeadObject s3://${bucket}`);
      }
    },
    async list(prefix, listOpts = {}) {
      const out = await call('ListObjectsV2', () =>
        client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: pageSize(listOpts.maxKeys),
            ...(listOpts.continuationToken ? { ContinuationToken: listOpts.continuationToken } : {}),
          }),
        ),
      );
      const objects = (out.Contents ?? []).map((o) => ({
        key: o.Key ?? '',
        size: o.Size ?? 0,
        etag: o.ETag ?? '',
        lastModified: o.LastModified ?? new Date(0),
      }));
      return out.IsTruncated && out.NextContinuationToken
        ? { objects, nextContinuationToken: out.NextContinuationToken }
        : { objects };
    },
    async delete(key) {
      assertSafeKey(key);
      await call('DeleteObject', () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
    },
    withBucket(other) {
      return bindBucket(client, other);
    },
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  if (e?.name === 'NoSuchBucket') return false;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

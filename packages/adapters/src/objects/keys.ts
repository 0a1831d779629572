import { UnsafeKeyError, ValidationError } from '@platescale/shared';

/**
 * Refuses any key that could name a path outside its bucket directory, or two keys the same file:
 * absolute keys, `.`/`..` segments, empty segments (`a//b`, trailing `/`), NUL and backslashes.
 */
export function assertSafeKey(key: string): void {
  if (key.length === 0) throw new UnsafeKeyError(key, 'empty key');
  if (key.length > 1024) throw new UnsafeKeyError(key.slice(0, 64), 'longer than 1024 characters');
  if (key.includes('\0')) throw new UnsafeKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new UnsafeKeyError(key, 'contains a backslash');
  if (key.startsWith('/')) throw new UnsafeKeyError(key, 'absolute key');
  for (const segment of key.split('/')) {
    if (segment === '') throw new UnsafeKeyError(key, 'empty path segment');
    if (segment === '.' || segment === '..') throw new UnsafeKeyError(key, `'${segment}' segment`);
  }
}

/** S3 bucket naming rules; on the filesystem a bucket is a directory name, so this also keeps it inside the root. */
export function assertBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new ValidationError(`invalid bucket name '${bucket}'`, 'bucket');
  }
}

/** Page size clamped to S3's range (1..1000; S3 treats 0 or absent as 1000). */
export function pageSize(maxKeys: number | undefined): number {
  if (maxKeys === undefined || maxKeys <= 0) return 1000;
  return Math.min(Math.floor(maxKeys), 1000);
}

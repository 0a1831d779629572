import { ValidationError } from '@platescale/shared';

/** The filesystem store's continuation token: the last key of the previous page, opaque to callers like S3's. */
export function encodeContinuation(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

export function decodeContinuation(token: string): string {
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (key.length === 0 || encodeContinuation(key) !== token) {
    throw new ValidationError('invalid continuation token', 'continuationToken');
  }
  return key;
}

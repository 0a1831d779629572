import { UnavailableError } from '@platescale/shared';

interface AwsErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
  'LimitExceededException',
]);

const TRANSIENT = new Set([
  'InternalError',
  'InternalFailure',
  'InternalException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);

export function isThrottling(err: unknown): boolean {
  const e = err as AwsErrorShape | undefined;
  return THROTTLING.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 429 || e?.$retryable?.throttling === true;
}

/** Throttling, a 5xx or a network failure: the request may succeed later. */
export function isTransient(err: unknown): boolean {
  const e = err as AwsErrorShape | undefined;
  const status = e?.$metadata?.httpStatusCode ?? 0;
  return isThrottling(err) || status >= 500 || TRANSIENT.has(e?.name ?? '') || TRANSIENT.has(e?.code ?? '');
}

/**
 * What every AWS adapter does with an error its SDK retries could not absorb: transient ones become
 * UnavailableError (HTTP 503, retryable in the workflow), anything else is rethrown as the SDK raised it.
 */
export function mapAwsError(err: unknown, what: string): unknown {
  if (!isTransient(err)) return err;
  const e = err as AwsErrorShape;
  return new UnavailableError(`${what} failed: ${e.name ?? e.code ?? 'error'}`, err);
}

/** SDK client settings shared by the adapters: a few more attempts than the default 3, adaptive backoff. */
export const AWS_RETRY_CONFIG = { maxAttempts: 5, retryMode: 'adaptive' } as const;

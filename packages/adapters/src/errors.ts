import { PlatescaleError } from '@platescale/shared';

/** Base of every error the adapters raise themselves (ports also raise shared errors such as UnavailableError). */
export class AdapterError extends PlatescaleError {}

/** A cache TTL Redis would refuse (`SET … EX` takes a positive integer); every cache adapter refuses it alike. */
export class InvalidTtlError extends AdapterError {
  constructor(ttlSeconds: number) {
    super(`cache TTL must be a positive integer number of seconds, got ${ttlSeconds}`, { code: 'invalid_ttl' });
  }
}

/**
 * The filesystem store cannot hold both `a` and `a/b` (a path is a file or a directory), which S3 allows.
 * Platescale's key layout never does this; the error names the clash instead of an ENOTDIR.
 */
export class ObjectKeyConflictError extends AdapterError {
  constructor(key: string, reason: string) {
    super(`object key '${key}' conflicts with an existing key: ${reason}`, {
      code: 'object_key_conflict',
      status: 409,
    });
  }
}

/**
 * The disk under the filesystem store is full (ENOSPC, or the user's quota: EDQUOT). Not retryable: a retry
 * seconds later meets the same full disk, so the item fails with this error and the job goes on.
 */
export class ObjectStoreFullError extends AdapterError {
  constructor(key: string, cause: unknown) {
    super(`object store is out of space: writing '${key}' failed (${(cause as Error).message})`, {
      code: 'object_store_full',
      status: 507,
      cause,
    });
  }
}

/** An event entry above EventBridge's 256 KB entry limit: large data must travel by reference (an S3 key). */
export class EventTooLargeError extends AdapterError {
  constructor(detailType: string, bytes: number, limit: number) {
    super(
      `event '${detailType}' is ${bytes} bytes, above the ${limit}-byte EventBridge entry limit; put large data in the object store and send its key`,
      { code: 'event_too_large', status: 413, details: { bytes, limit } },
    );
  }
}

/** PutEvents rejected entries that retries could not get through. */
export class EventPublishError extends AdapterError {
  constructor(failures: { index: number; errorCode?: string; errorMessage?: string }[], retryable: boolean) {
    const first = failures[0];
    super(
      `${failures.length} event(s) were not accepted by EventBridge (first: ${first?.errorCode ?? 'unknown'}: ${first?.errorMessage ?? ''})`,
      { code: 'event_publish_failed', status: retryable ? 503 : 502, retryable, details: { failures } },
    );
  }
}

/**
 * An invocation failure of a Lambda called over the Runtime Interface Emulator. `name` is the Lambda error type
 * (the function's errorType, or Lambda.ServiceException / Runtime.ExitError) so that ASL Retry/Catch match it.
 */
export class LambdaFunctionError extends AdapterError {
  constructor(errorType: string, message: string) {
    super(message, { code: 'lambda_function_error', status: 502 });
    this.name = errorType;
  }
}

/**
 * One base class for every error platescale raises on purpose. `code` is stable (clients switch on it);
 * `status` is what an HTTP edge answers; `retryable` tells a Lambda/Step Functions edge whether a retry can help.
 */
export class PlatescaleError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    message: string,
    opts: { code: string; status?: number; retryable?: boolean; details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.status = opts.status ?? 500;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

/** Input that can never succeed as sent (HTTP 400). `field` names the offending field, dotted. */
export class ValidationError extends PlatescaleError {
  readonly field: string | undefined;
  constructor(message: string, field?: string, details?: Record<string, unknown>) {
    super(message, {
      code: 'validation_failed',
      status: 400,
      details: { ...(field ? { field } : {}), ...details },
    });
    this.field = field;
  }
}

export class NotFoundError extends PlatescaleError {
  constructor(what: string, id: string) {
    super(`${what} '${id}' was not found`, {
      code: `${what.toLowerCase().replace(/\s+/g, '_')}_not_found`,
      status: 404,
    });
  }
}

export class ConflictError extends PlatescaleError {
  constructor(message: string, code = 'conflict') {
    super(message, { code, status: 409 });
  }
}

/** A dependency (database, cache, object store, workflow service) is unavailable; retrying later may work. */
export class UnavailableError extends PlatescaleError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: 'service_unavailable', status: 503, retryable: true, cause });
  }
}

/** An object key that would escape its root or the experiment's prefix. */
export class UnsafeKeyError extends PlatescaleError {
  constructor(key: string, reason: string) {
    super(`object key '${key}' refused: ${reason}`, { code: 'unsafe_object_key', status: 400 });
  }
}

export class ObjectNotFoundError extends PlatescaleError {
  constructor(bucket: string, key: string) {
    super(`object '${key}' not found in bucket '${bucket}'`, { code: 'object_not_found', status: 404 });
  }
}

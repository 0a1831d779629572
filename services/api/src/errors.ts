import { PlatescaleError } from '@platescale/shared';

/** Base of the errors only the HTTP edge raises; everything else arrives as a PlatescaleError from the domain. */
export class ApiError extends PlatescaleError {}

export class UnauthorizedError extends ApiError {
  constructor(message = 'a valid API key is required (Authorization: Bearer psk_…)') {
    super(message, { code: 'unauthorized', status: 401 });
  }
}

export class ForbiddenError extends ApiError {
  constructor(scope: string) {
    super(`this API key lacks the '${scope}' scope`, { code: 'insufficient_scope', status: 403, details: { scope } });
  }
}

/** The same Idempotency-Key was sent with a different request. */
export class IdempotencyKeyReusedError extends ApiError {
  constructor(key: string) {
    super(`Idempotency-Key '${key}' was already used with a different request`, {
      code: 'idempotency_key_reused',
      status: 422,
    });
  }
}

/** A retry arrived while the first request with its Idempotency-Key is still being processed. */
export class IdempotencyInProgressError extends ApiError {
  constructor(key: string) {
    super(`a request with Idempotency-Key '${key}' is still in progress; retry later`, {
      code: 'idempotency_request_in_progress',
      status: 409,
      retryable: true,
    });
  }
}

export class RateLimitedError extends ApiError {
  constructor(retryAfterSeconds: number) {
    super(`rate limit exceeded; retry in ${retryAfterSeconds} s`, {
      code: 'rate_limited',
      status: 429,
      retryable: true,
    });
  }
}

/** An API key already holds as many open progress streams as one key may (HTTP 429). */
export class TooManyStreamsError extends ApiError {
  constructor(max: number) {
    super(`this API key already has ${max} open event streams; close one (or use another key) and retry`, {
      code: 'too_many_streams',
      status: 429,
      retryable: true,
    });
  }
}

/** A webhook URL the SSRF guard refuses (scheme, or an address that is loopback/private/link-local/metadata). */
export class UnsafeWebhookUrlError extends ApiError {
  constructor(url: string, reason: string) {
    super(`webhook URL '${url}' refused: ${reason}`, {
      code: 'unsafe_webhook_url',
      status: 400,
      details: { field: 'url' },
    });
  }
}

/**
 * A key a request names that is no object of the caller's tenant. A missing key and another tenant's key get this
 * same answer, so it tells nothing about what other tenants store.
 */
export class UnknownObjectError extends ApiError {
  constructor(key: string, field: string, prefixes: readonly string[]) {
    super(`${field}: no object '${key}' in this tenant's storage (${prefixes.join(', ')})`, {
      code: 'object_not_found',
      status: 400,
      details: { field },
    });
  }
}

/** A key prefix a request names that lies outside the caller's tenant's folders (decided by its name alone). */
export class ForeignPrefixError extends ApiError {
  constructor(prefix: string, field: string, prefixes: readonly string[]) {
    super(`${field} '${prefix}' is not in this tenant's storage: it must lie under ${prefixes.join(', ')}`, {
      code: 'prefix_not_allowed',
      status: 400,
      details: { field },
    });
  }
}

/** A body (or a form's file part) whose content type the route does not take (HTTP 415). */
export class UnsupportedMediaTypeError extends ApiError {
  constructor(message: string, field?: string) {
    super(message, { code: 'unsupported_media_type', status: 415, ...(field ? { details: { field } } : {}) });
  }
}

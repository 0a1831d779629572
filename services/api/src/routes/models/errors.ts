import { ApiError } from '../../errors.js';

/** A file part of a training form over the per-file bound (HTTP 413). */
export class FormFileTooLargeError extends ApiError {
  constructor(field: string, file: string, maxBytes: number) {
    super(`${file} is larger than ${maxBytes / 2 ** 20} MiB`, {
      code: 'payload_too_large',
      status: 413,
      details: { field },
    });
  }
}

/** More training images in a form than one request may train on (HTTP 413). */
export class TooManyImagesError extends ApiError {
  constructor(field: string, max: number) {
    super(`more than ${max} '${field}' parts: train on at most ${max} images per request`, {
      code: 'too_many_images',
      status: 413,
      details: { field },
    });
  }
}

/** A body sent as multipart/form-data that cannot be read as one (HTTP 400, as malformed JSON is). */
export class MalformedFormError extends ApiError {
  constructor(cause: Error) {
    super(`the body is not a readable multipart form: ${cause.message}`, { code: 'bad_request', status: 400, cause });
  }
}

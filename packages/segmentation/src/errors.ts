import { PlatescaleError } from '@platescale/shared';

/** Base of every error the segmentation core raises on purpose. */
export class SegmentationError extends PlatescaleError {}

/** An image that cannot be decoded (damaged, truncated, unsupported). Fails its item only; names file and reason. */
export class ImageDecodeError extends SegmentationError {
  readonly file: string;
  readonly reason: string;
  constructor(file: string, reason: string, cause?: unknown) {
    super(`cannot decode '${file}': ${reason}`, {
      code: 'image_decode_failed',
      status: 422,
      details: { file, reason },
      cause,
    });
    this.file = file;
    this.reason = reason;
  }
}

/** An image over the configured pixel limit (decompression-bomb guard). Fails its item only. */
export class ImageTooLargeError extends SegmentationError {
  constructor(file: string, pixels: number, limit: number) {
    super(`image '${file}' has ${pixels} pixels, over the limit of ${limit}`, {
      code: 'image_too_large',
      status: 413,
    });
  }
}

/** An image set that cannot be segmented as described (missing channel, channels of different sizes). */
export class ImageSetError extends SegmentationError {
  constructor(message: string) {
    super(message, { code: 'invalid_image_set', status: 422 });
  }
}

/** A model that does not meet the segmenter's contract (input [1,C,H,W] float32, one foreground map out). */
export class ModelContractError extends SegmentationError {
  constructor(model: string, reason: string, cause?: unknown) {
    super(`model '${model}' cannot be used: ${reason}`, { code: 'invalid_model', status: 422, cause });
  }
}

import { PlatescaleError } from '@platescale/shared';

/** Base of every error the trainer raises on purpose. */
export class TrainerError extends PlatescaleError {}

/** Training or prediction input that can never work as sent (HTTP 400); `field` names the offending input. */
export class TrainingInputError extends TrainerError {
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message, { code: 'invalid_training_input', status: 400, details: field ? { field } : undefined });
    this.field = field;
  }
}

/** A file that is not an image the decoder understands (HTTP 400, named). */
export class NotAnImageError extends TrainerError {
  constructor(name: string, cause?: unknown) {
    super(`'${name}' is not a readable image (PNG or TIFF expected)`, {
      code: 'not_an_image',
      status: 400,
      details: { file: name },
      cause,
    });
  }
}

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

/** A TrainerError as plain data: errors lose their class crossing a thread boundary. */
export interface TrainerErrorData {
  name: string;
  message: string;
  code: string;
  status: number;
  details: Record<string, unknown> | undefined;
}

export function toErrorData(err: TrainerError): TrainerErrorData {
  return { name: err.name, message: err.message, code: err.code, status: err.status, details: err.details };
}

/** The error `toErrorData` described, as the class it was thrown as (so the API maps it to the same answer). */
export function fromErrorData(data: TrainerErrorData): TrainerError {
  const field = data.details?.field;
  if (data.name === TrainingInputError.name) return new TrainingInputError(data.message, field as string | undefined);
  if (data.name === NotAnImageError.name) return new NotAnImageError(String(data.details?.file));
  return new TrainerError(data.message, { code: data.code, status: data.status, details: data.details });
}

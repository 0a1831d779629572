import { PlatescaleError } from '@platescale/shared';

/** A synthetic plate or field that cannot be built as asked (bad options, a field too crowded to place). */
export class SyntheticError extends PlatescaleError {
  constructor(message: string, code = 'synthetic_invalid_options') {
    super(message, { code, status: 400 });
  }
}

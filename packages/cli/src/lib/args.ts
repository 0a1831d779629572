import { parseArgs } from 'node:util';
import { OBJECT_DIAMETER_RANGE } from '@platescale/segmentation';
import { ValidationError } from '@platescale/shared';

type OptionSpec = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }
>;

/** node:util parseArgs with errors a user can act on (unknown flag → exit 2 with the flag named). */
export function parseCommandArgs<T extends OptionSpec>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new ValidationError((err as Error).message);
  }
}

export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(`--${name} must be an integer between ${min} and ${max} (got '${value}')`, name);
  }
  return n;
}

/** --diameter: the typical nucleus diameter in pixels, within what the segmenter accepts. */
export function diameterOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { min, max } = OBJECT_DIAMETER_RANGE;
  if (!(Number.isFinite(n) && n >= min && n <= max)) {
    throw new ValidationError(
      `--diameter must be a number of pixels between ${min} and ${max}, got '${value}'`,
      'diameter',
    );
  }
  return n;
}

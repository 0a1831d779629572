import { States, StatesError } from '../errors.js';
import { evaluateExpression, type PathScope } from './intrinsics.js';
import { readPath, writePath } from './jsonpath.js';

/** Step Functions' payload quota: 256 KiB of UTF-8 JSON per state input/output. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/**
 * Evaluates a payload template (Parameters, ResultSelector, ItemSelector, BatchInput, ...): keys ending in
 * `.$` are replaced by the value of their path/intrinsic; everything else is copied.
 */
export function evaluateTemplate(template: unknown, scope: PathScope): unknown {
  if (Array.isArray(template)) return template.map((v) => evaluateTemplate(v, scope));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string') throw new StatesError(States.Runtime, `field '${key}' must be a path string`);
      out[key.slice(0, -2)] = evaluateExpression(value, scope);
    } else {
      out[key] = evaluateTemplate(value, scope);
    }
  }
  return out;
}

/** InputPath/OutputPath: absent → everything; null → `{}`. */
export function selectPath(data: unknown, path: string | null | undefined): unknown {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  return readPath(data, path);
}

/** ResultPath: absent → the result replaces the input; null → the input passes through unchanged. */
export function applyResultPath(input: unknown, result: unknown, path: string | null | undefined): unknown {
  if (path === undefined || path === '$') return result;
  if (path === null) return input;
  return writePath(input, path, result);
}

export function byteLength(value: unknown): number {
  const s = JSON.stringify(value);
  return s === undefined ? 0 : Buffer.byteLength(s, 'utf8');
}

export function checkPayloadSize(value: unknown, what: string): void {
  const size = byteLength(value);
  if (size > PAYLOAD_LIMIT_BYTES) {
    throw new StatesError(
      States.DataLimitExceeded,
      `The ${what} has a size of ${size} bytes, which exceeds the maximum size of ${PAYLOAD_LIMIT_BYTES} bytes`,
    );
  }
}

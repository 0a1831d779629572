import { ValidationError } from '@platescale/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Deeper JSON than any request of this API has (a manifest is 4 levels): refused before it is parsed. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a JSON text, counted without parsing it (brackets inside strings do not count). */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What Postgres (text, jsonb) cannot store as given, or only by changing it. */
function unstorable(value: string | number): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'is not a finite number';
  if (value.includes('\0')) return 'contains a NUL character, which cannot be stored';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate, which is not text';
  return undefined;
}

/**
 * Every string (object keys included) and number of a parsed part of the request, with its dotted field name.
 * The depth of a JSON body is bounded by the parser; form fields and text bodies are flat.
 */
function* leaves(value: unknown, path: string): Generator<[string, string | number]> {
  if (typeof value === 'string' || typeof value === 'number') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* leaves(v, path ? `${path}.${i}` : `${i}`);
  else if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    for (const [k, v] of Object.entries(value)) {
      const field = path ? `${path}.${k}` : k;
      yield [field, k];
      yield* leaves(v, field);
    }
  }
}

function assertStorable(request: FastifyRequest): void {
  const parts: [string, unknown][] = [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ];
  for (const [where, value] of parts) {
    for (const [field, leaf] of leaves(value, '')) {
      const problem = unstorable(leaf);
      if (problem) {
        const name = (field || where).replaceAll('\0', '\\0');
        throw new ValidationError(`${where} field '${name}' ${problem}`, name);
      }
    }
  }
}

/**
 * What every request must be before a handler touches the database: JSON no deeper than MAX_JSON_DEPTH (a
 * 100 000-deep array would overflow the stack of whatever walks it), no NUL characters, unpaired surrogates or
 * non-finite numbers anywhere in the path, query or body (400 naming the field). Registered before the
 * idempotency plugin: its preHandler would otherwise store such a request.
 */
export const inputPlugin = fp(
  async (app: FastifyInstance) => {
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = body as string;
      if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
        done(new ValidationError(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, 'body'), undefined);
        return;
      }
      parseJson(request, text, done);
    });
    app.addHook('preHandler', async (request) => assertStorable(request));
  },
  { name: 'platescale-input' },
);

import Type, { type TSchema } from 'typebox';
import { OBJECT_DIAMETER_RANGE } from './limits.js';

/** `T | null`: every optional-but-known field is present and null rather than absent (stable client types). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A string-keyed map. Spelled with additionalProperties (not patternProperties) so generators emit Record<…>. */
export const StringMap = <T extends TSchema>(value: T, description: string) =>
  Type.Unsafe<Record<string, Type.Static<T>>>({ type: 'object', additionalProperties: value, description });

export const Timestamp = Type.String({ format: 'date-time' });

/** A typical nucleus diameter set by the user: it overrides the segmenter's per-image estimate. */
export const ObjectDiameter = (description: string) =>
  Type.Number({ minimum: OBJECT_DIAMETER_RANGE.min, maximum: OBJECT_DIAMETER_RANGE.max, description });

/** A schema passed to Ref without the `$id` that names its component. */
export class UnnamedSchemaError extends Error {
  constructor() {
    super('Ref() needs a schema with an $id, registered in schemas/components.ts');
    this.name = 'UnnamedSchemaError';
  }
}

/**
 * A `$ref` to a named component (schemas/components.ts registers it with addSchema): validation and serialization
 * resolve it, the OpenAPI document shows `#/components/schemas/<$id>`. Unlike Type.Ref it keeps the target's static
 * type, so handlers stay type-checked against it.
 */
export function Ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: string }).$id;
  if (!id) throw new UnnamedSchemaError();
  return Type.Unsafe<Type.Static<T>>({ $ref: `${id}#` });
}

export const Problem = Type.Object(
  {
    type: Type.String({
      description: 'URI naming the problem type',
      examples: ['https://platescale.dev/problems/validation_failed'],
    }),
    title: Type.String({ examples: ['Bad Request'] }),
    status: Type.Integer({ examples: [400] }),
    detail: Type.String({ examples: ['body/batchSize must be >= 1'] }),
    code: Type.String({ description: 'Stable machine-readable error code', examples: ['validation_failed'] }),
    field: Type.Optional(Type.String({ description: 'The offending request field, dotted', examples: ['batchSize'] })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid; `field` names the offending field',
  401: 'No or an invalid API key',
  403: 'The API key lacks the required scope',
  404: 'No such resource for this tenant',
  409: 'The resource is not in a state that allows this',
  422: 'The Idempotency-Key was used with a different request',
  429: 'Rate limit exceeded; see Retry-After',
  503: 'A dependency is unavailable; retry later',
};

/** Response schemas for the given error statuses, all `application/problem+json`. */
export function problems(...statuses: number[]) {
  const schema = Ref(Problem);
  const out: Record<
    number,
    { description: string; content: { 'application/problem+json': { schema: typeof schema } } }
  > = {};
  for (const status of [...statuses, 429]) {
    out[status] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      content: { 'application/problem+json': { schema } },
    };
  }
  return out;
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque `nextCursor` of the previous page' })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
  });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'A retry with the same key and body returns the original response; a different body → 422',
    }),
  ),
});

/** One uploaded image file (POST /v1/uploads, a training form's part): a 2048² 16-bit TIFF with room to spare. */
export const MAX_IMAGE_FILE_BYTES = 16 * 1024 * 1024;

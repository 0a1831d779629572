import Type from 'typebox';

/** A binary body (the serializer leaves Buffers alone; the schema only documents it). */
export const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
export const Png = { description: 'A PNG image', content: { 'image/png': { schema: Binary } } };

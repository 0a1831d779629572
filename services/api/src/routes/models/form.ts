import { createHash } from 'node:crypto';
import type { Multipart, MultipartFile, MultipartValue } from '@fastify/multipart';
import { type ObjectStore, ValidationError } from '@platescale/shared';
import { UnsupportedMediaTypeError } from '../../errors.js';
import { MAX_IMAGE_FILE_BYTES } from '../../schemas/common.js';
import { FormFileTooLargeError, MalformedFormError, TooManyImagesError } from './errors.js';
import { MAX_CHANNELS, MAX_TRAINING_IMAGES } from './schemas.js';

/** A file part of a training form, stored. */
export interface StoredFile {
  key: string;
  /** How its sender knows it (file name, part, image index): error messages name it so, not by key. */
  label: string;
  sha256: string;
}

/** A training form as read: text fields by name, stored files by part name in the order they were sent. */
export interface TrainingUpload {
  fields: Record<string, string>;
  files: Map<string, StoredFile[]>;
  /** Every key written, so that a form that does not become a model can be removed. */
  keys: string[];
}

const MAX_TEXT_FIELDS = 16;
/** What a file part may be sent as: an image type, or untyped bytes (what curl sends for an unknown extension). */
const IMAGE_PART_TYPES = /^(image\/[\w.+-]+|application\/octet-stream)$/i;

/** busboy's bounds on one form: each counted part stops the read as soon as it is over. */
export const FORM_LIMITS = {
  fileSize: MAX_IMAGE_FILE_BYTES,
  files: MAX_TRAINING_IMAGES * (MAX_CHANNELS + 1),
  fields: MAX_TEXT_FIELDS,
  fieldSize: 4096,
  parts: MAX_TRAINING_IMAGES * (MAX_CHANNELS + 1) + MAX_TEXT_FIELDS,
};

/** The parser's own errors carry a status (limits: 413); the rest are the body's fault (busboy: malformed parts). */
function asFormError(err: Error & { statusCode?: number }): never {
  throw err.statusCode === undefined ? new MalformedFormError(err) : err;
}

const isFilePart = (field: string) => field === 'image' || field === 'labels' || field.startsWith('image.');

function readText(part: MultipartValue, upload: TrainingUpload): void {
  const field = part.fieldname;
  if (isFilePart(field))
    throw new ValidationError(`form part '${field}' must be a file (send it with a filename)`, field);
  if (Object.hasOwn(upload.fields, field)) throw new ValidationError(`form field '${field}' is sent twice`, field);
  if (part.valueTruncated) {
    throw new ValidationError(`form field '${field}' is longer than ${FORM_LIMITS.fieldSize} bytes`, field);
  }
  upload.fields[field] = String(part.value);
}

async function storeFile(part: MultipartFile, upload: TrainingUpload, objects: ObjectStore, prefix: string) {
  const field = part.fieldname;
  if (!isFilePart(field)) {
    throw new ValidationError(`unknown file part '${field}': send 'image' (or 'image.<channel>') and 'labels'`, field);
  }
  if (!IMAGE_PART_TYPES.test(part.mimetype)) {
    throw new UnsupportedMediaTypeError(
      `form part '${field}' ('${part.filename}') is ${part.mimetype}: send PNG or TIFF files (image/png, image/tiff or application/octet-stream)`,
      field,
    );
  }
  const stored = upload.files.get(field) ?? [];
  const index = stored.length;
  if (index === MAX_TRAINING_IMAGES) throw new TooManyImagesError(field, MAX_TRAINING_IMAGES);
  const label = `'${part.filename}' (part '${field}' of image ${index})`;
  const bytes = await part.toBuffer().catch(asFormError);
  if (part.file.truncated) throw new FormFileTooLargeError(field, label, MAX_IMAGE_FILE_BYTES);
  // The part name is one path segment, whatever the channel is called.
  const key = `${prefix}/${index}/${encodeURIComponent(field)}`;
  upload.keys.push(key);
  await objects.put(key, bytes, { contentType: part.mimetype });
  stored.push({ key, label, sha256: createHash('sha256').update(bytes).digest('hex') });
  upload.files.set(field, stored);
}

/**
 * Reads a training form part by part, writing each file under `<prefix>/<image index>/<part name>` as it arrives
 * (the object store takes whole objects, so one file at a time is held in memory).
 */
export async function storeTrainingForm(
  parts: AsyncIterable<Multipart>,
  upload: TrainingUpload,
  objects: ObjectStore,
  prefix: string,
): Promise<void> {
  const iterator = parts[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next().catch(asFormError);
    if (next.done) return;
    if (next.value.type === 'file') await storeFile(next.value, upload, objects, prefix);
    else readText(next.value, upload);
  }
}

/** What validation and the Idempotency-Key fingerprint see of a form: its text, and its files by digest. */
export function formView(upload: TrainingUpload): Record<string, string | string[]> {
  const files = [...upload.files].map(([field, stored]) => [field, stored.map((f) => `sha256:${f.sha256}`)]);
  return { ...upload.fields, ...Object.fromEntries(files) };
}

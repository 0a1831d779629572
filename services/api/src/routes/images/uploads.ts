import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ValidationError } from '@platescale/shared';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { MAX_IMAGE_FILE_BYTES, problems } from '../../schemas/common.js';
import { contrastStretchedPng } from './render.js';
import { Png } from './schemas.js';
import { loadSharp } from './sharp.js';

const TYPES: Record<string, string> = { 'image/png': 'png', 'image/tiff': 'tif' };
const MAX_PIXELS = 4096 * 4096;
const FileParams = Type.Object({ file: Type.String({ pattern: '^[0-9a-f]{64}\\.(png|tif)$' }) });

/** Uploads live under the tenant's own prefix and are named by content: the same image uploaded twice is one object. */
const uploadKey = (tenantId: string, file: string) => `uploads/${tenantId}/${file}`;

/**
 * `/v1/uploads`: images and label images for the UI's teach-then-batch loop (`POST /v1/models` takes object keys),
 * and their contrast-stretched view for painting on.
 */
export const uploadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps } = app.platescale;
  const objects = deps.objects.withBucket(deps.config.bucket);
  // Images only: JSON, forms and text are 415 here (encapsulated: other routes keep their parsers).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    Object.keys(TYPES),
    { parseAs: 'buffer', bodyLimit: MAX_IMAGE_FILE_BYTES },
    (_r, body, done) => done(null, body),
  );

  app.post(
    '',
    {
      bodyLimit: MAX_IMAGE_FILE_BYTES,
      config: { scope: 'models:write' },
      schema: {
        operationId: 'uploadImage',
        tags: ['models'],
        summary: 'Store a PNG or TIFF image (a training image or a label image) and return its object key',
        body: { content: Object.fromEntries(Object.keys(TYPES).map((t) => [t, { schema: Type.Unknown() }])) },
        response: {
          201: Type.Object({
            key: Type.String({ description: 'Object key to pass to POST /v1/models' }),
            file: Type.String(),
            width: Type.Integer(),
            height: Type.Integer(),
          }),
          ...problems(400, 401, 403, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const bytes = request.body as Buffer;
      const sharp = await loadSharp();
      const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS })
        .metadata()
        .catch(() => undefined);
      if (!meta?.width || !meta.height || !['png', 'tiff'].includes(meta.format ?? '')) {
        throw new ValidationError('the body is not a readable PNG or TIFF image', 'body');
      }
      const file = `${createHash('sha256').update(bytes).digest('hex')}.${meta.format === 'png' ? 'png' : 'tif'}`;
      const key = uploadKey(principalOf(request).tenantId, file);
      await objects.put(key, bytes, { contentType: request.headers['content-type'] ?? 'application/octet-stream' });
      return reply.code(201).send({ key, file, width: meta.width, height: meta.height });
    },
  );

  app.get(
    '/:file/view',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'viewUpload',
        tags: ['models'],
        summary: 'An uploaded image as an 8-bit PNG, contrast-stretched (0.5–99.5th percentile)',
        params: FileParams,
        response: { 200: Png, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const key = uploadKey(principalOf(request).tenantId, request.params.file);
      const png = await contrastStretchedPng(await objects.get(key));
      return reply.type('image/png').header('cache-control', 'private, max-age=3600').send(png);
    },
  );
};

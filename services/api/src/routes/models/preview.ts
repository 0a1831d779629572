import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdParams, problems } from '../../schemas/common.js';
import { requireBody } from './required-body.js';
import { Binary, PreviewBody, PreviewQuery } from './schemas.js';
import type { LoadModelService } from './service.js';

/** Content types a preview image may be sent as, raw (single-channel models). */
const IMAGE_TYPES = ['image/png', 'image/tiff', 'application/octet-stream'];

/** `POST /v1/models/{id}/preview`: run a model on one image, named by object keys or sent as the body. */
export const previewRoute: FastifyPluginAsyncTypebox<{ models: LoadModelService }> = async (app, { models }) => {
  // Raw image bodies for previews; encapsulated, so other routes keep refusing them.
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // A body is JSON or an image, each validated by its own schema; anything else is 415, never unvalidated text.
  app.removeContentTypeParser('text/plain');

  app.post(
    '/:id/preview',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'previewModel',
        tags: ['models'],
        summary: 'Run a model on one image and return the probability map or mask as PNG',
        description:
          'Send object keys as JSON ({"channels": {"DNA": "key"}}), or the image itself (PNG/TIFF body) for a single-channel model.',
        params: IdParams,
        querystring: PreviewQuery,
        body: {
          content: {
            'application/json': { schema: PreviewBody },
            ...Object.fromEntries(IMAGE_TYPES.map((t) => [t, { schema: Type.Unknown() }])),
          },
        },
        response: {
          200: { description: 'An 8-bit grey PNG of the image size', content: { 'image/png': { schema: Binary } } },
          ...problems(400, 401, 403, 404),
        },
      },
      preValidation: requireBody,
    },
    async (request, reply) => {
      const tenantId = principalOf(request).tenantId;
      const body = request.body as { channels: Record<string, string> } | Buffer;
      if (!Buffer.isBuffer(body)) {
        for (const [channel, key] of Object.entries(body.channels)) {
          await app.platescale.objectScope.object(tenantId, key, `channels.${channel}`);
        }
      }
      const image = Buffer.isBuffer(body) ? { name: 'request body', bytes: body } : body;
      const png = await (await models()).preview(
        tenantId,
        request.params.id,
        image,
        request.query.output ?? 'probability',
      );
      return reply.type('image/png').send(png);
    },
  );
};

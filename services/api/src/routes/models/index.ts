import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdParams, Page, PageQuery, problems, Ref } from '../../schemas/common.js';
import { decodeCursor, paginate } from '../../services/cursor.js';
import { previewRoute } from './preview.js';
import { Binary, Model } from './schemas.js';
import { lazyModelService } from './service.js';
import { trainRoute } from './train.js';
import { toView } from './view.js';

/** `/v1/models`: train pixel classifiers from sparse labels, list and read them, preview one on an image. */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps } = app.platescale;
  const service = lazyModelService({ db: deps.db.db, objects: deps.objects });
  app.addHook('onClose', () => service.close());
  const models = service.load;

  await app.register(trainRoute, { models });

  app.get(
    '',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'listModels',
        tags: ['models'],
        summary: "List the tenant's models, oldest first",
        querystring: Type.Object(PageQuery),
        response: { 200: { description: 'A page of models', ...Page(Ref(Model)) }, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const after = decodeCursor(request.query.cursor, 1)?.[0];
      const rows = await (await models()).list(principalOf(request).tenantId, {
        limit: limit + 1,
        after: after?.toString(),
      });
      const page = paginate(rows, limit, (row) => [row.id]);
      return { items: page.items.map(toView), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getModel',
        tags: ['models'],
        summary: 'Read a model: classes, channels, training images, label counts, metrics',
        params: IdParams,
        response: { 200: { description: 'The model', ...Ref(Model) }, ...problems(401, 403, 404) },
      },
    },
    async (request) => toView(await (await models()).get(principalOf(request).tenantId, request.params.id)),
  );

  app.get(
    '/:id/file',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'downloadModel',
        tags: ['models'],
        summary: 'Download the self-contained ONNX file',
        params: IdParams,
        response: {
          200: { description: 'The ONNX model', content: { 'application/octet-stream': { schema: Binary } } },
          ...problems(401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const bytes = await (await models()).file(principalOf(request).tenantId, request.params.id);
      return reply.type('application/octet-stream').send(bytes);
    },
  );

  await app.register(previewRoute, { models });
};

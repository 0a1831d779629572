import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createModelService, type ModelRow } from '@platescale/trainer';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problems } from '../../schemas/common.js';
import { decodeCursor, paginate } from '../../services/cursor.js';
import { Model, ModelBody, type ModelView, PreviewBody, PreviewQuery } from './schemas.js';

/** A binary body (the serializer leaves Buffers alone; the schema only documents them). */
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** Content types a preview image may be sent as, raw (single-channel models). */
const IMAGE_TYPES = ['image/png', 'image/tiff', 'application/octet-stream'];

function toView(row: ModelRow): ModelView {
  const self = `/v1/models/${row.id}`;
  return {
    modelId: row.id,
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    objectKey: row.objectKey,
    sizeBytes: row.sizeBytes,
    classes: row.classes,
    channels: row.channels,
    foregroundClass: row.foregroundClass,
    architecture: { ...row.architecture, normalization: row.architecture.normalization ?? 'none' },
    trainingImages: row.trainingImages,
    labelCounts: row.labelCounts,
    metrics: row.metrics,
    createdAt: row.createdAt.toISOString(),
    links: { self, preview: `${self}/preview`, file: `${self}/file` },
  };
}

/** `/v1/models`: train pixel classifiers from sparse labels, list and read them, preview one on an image. */
export const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { deps } = app.platescale;
  const models = createModelService({ db: deps.db.db, objects: deps.objects });

  // Raw image bodies for previews; encapsulated, so other routes keep refusing them.
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '',
    {
      config: { scope: 'models:write' },
      schema: {
        operationId: 'trainModel',
        tags: ['models'],
        summary: 'Train a pixel classifier from sparsely labelled images',
        description:
          'Reads the training and label images from the object store, trains (seconds), stores the ONNX file and a new immutable registry version. Metrics are per-class pixel accuracy on held-out labelled pixels.',
        headers: IdempotencyHeaders,
        body: ModelBody,
        response: { 201: { description: 'Trained and registered', ...Model }, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toView(await models.train(principalOf(request).tenantId, request.body))),
  );

  app.get(
    '',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'listModels',
        tags: ['models'],
        summary: "List the tenant's models, oldest first",
        querystring: Type.Object(PageQuery),
        response: { 200: { description: 'A page of models', ...Page(Model) }, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 100;
      const after = decodeCursor(request.query.cursor, 1)?.[0];
      const rows = await models.list(principalOf(request).tenantId, { limit: limit + 1, after: after?.toString() });
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
        response: { 200: { description: 'The model', ...Model }, ...problems(401, 403, 404) },
      },
    },
    async (request) => toView(await models.get(principalOf(request).tenantId, request.params.id)),
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
      const bytes = await models.file(principalOf(request).tenantId, request.params.id);
      return reply.type('application/octet-stream').send(bytes);
    },
  );

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
    },
    async (request, reply) => {
      const body = request.body as { channels: Record<string, string> } | Buffer;
      const image = Buffer.isBuffer(body) ? { name: 'request body', bytes: body } : body;
      const png = await models.preview(
        principalOf(request).tenantId,
        request.params.id,
        image,
        request.query.output ?? 'probability',
      );
      return reply.type('image/png').send(png);
    },
  );
};

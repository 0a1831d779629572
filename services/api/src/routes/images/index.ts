import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { problems } from '../../schemas/common.js';
import { createFieldLocator } from './locate.js';
import { contrastStretchedPng, maskOverlayPng, objectsCsv } from './render.js';
import { Png } from './schemas.js';
import { uploadRoutes } from './uploads.js';

const FieldParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128 }),
  plate: Type.String({ minLength: 1, maxLength: 256 }),
  well: Type.String({ minLength: 1, maxLength: 8 }),
  field: Type.Integer({ minimum: 0 }),
});
/** A job's outputs never change once written. */
const CACHE = 'private, max-age=3600';

/**
 * `/v1/jobs/{id}/fields/{plate}/{well}/{field}/…`: what the UI's well drill-down shows — a channel contrast-stretched
 * to 8 bits, the label mask as a coloured overlay, the per-object table as CSV. Also `/v1/uploads` (uploads.ts).
 */
export const imageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, deps, objectScope } = app.platescale;
  const objects = deps.objects.withBucket(deps.config.bucket);
  const locate = createFieldLocator({ db: deps.db.db, objects, owns: objectScope.owns });
  const base = '/jobs/:id/fields/:plate/:well/:field';

  app.get(
    `${base}/channels/:channel`,
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getFieldChannelImage',
        tags: ['results'],
        summary: 'One channel of a field as an 8-bit PNG, contrast-stretched server side (0.5–99.5th percentile)',
        params: Type.Object({ ...FieldParams.properties, channel: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Png, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { channel, ...ref } = request.params;
      const job = await jobs.row(principalOf(request).tenantId, ref.id);
      const key = await locate.channelKey(job, ref, channel);
      const png = await contrastStretchedPng(await objects.get(key));
      return reply.type('image/png').header('cache-control', CACHE).send(png);
    },
  );

  app.get(
    `${base}/mask`,
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getFieldMaskOverlay',
        tags: ['results'],
        summary: 'The label mask of a field as a transparent RGBA overlay (objects tinted, outlines opaque)',
        params: FieldParams,
        response: { 200: Png, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const job = await jobs.row(principalOf(request).tenantId, request.params.id);
      const { maskKey } = await locate.outputs(job, request.params);
      const png = await maskOverlayPng(await objects.get(maskKey));
      return reply.type('image/png').header('cache-control', CACHE).send(png);
    },
  );

  app.get(
    `${base}/objects.csv`,
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getFieldObjectsCsv',
        tags: ['results'],
        summary: 'The per-object measurements of a field as CSV (CellProfiler column names)',
        params: FieldParams,
        response: {
          200: { description: 'CSV, one row per object', content: { 'text/csv': { schema: Type.String() } } },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const job = await jobs.row(principalOf(request).tenantId, request.params.id);
      const { objectsKey } = await locate.outputs(job, request.params);
      const { plate, well, field } = request.params;
      const filename = `${job.id}_${plate}_${well}_f${field}.csv`.replace(/[^A-Za-z0-9._-]/g, '_');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', CACHE)
        .send(objectsCsv(await objects.get(objectsKey)));
    },
  );

  await app.register(uploadRoutes, { prefix: '/uploads' });
};

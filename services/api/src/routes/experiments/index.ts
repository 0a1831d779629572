import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problems, Ref } from '../../schemas/common.js';
import { Experiment, ExperimentBody } from '../../schemas/experiments.js';

export const experimentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { experiments } = app.platescale;

  app.post(
    '',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'putExperiment',
        tags: ['experiments'],
        summary: 'Create or update an experiment',
        description:
          'Re-posting an existing experimentId updates it (its version increments). Every manifest key must lie under imagePrefix.',
        headers: IdempotencyHeaders,
        body: ExperimentBody,
        response: {
          200: { description: 'Updated', ...Ref(Experiment) },
          201: { description: 'Created', ...Ref(Experiment) },
          ...problems(400, 401, 403, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { experiment, created } = await experiments.upsert(principalOf(request).tenantId, request.body);
      return reply.code(created ? 201 : 200).send(experiment);
    },
  );

  app.get(
    '',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'listExperiments',
        tags: ['experiments'],
        summary: "List the tenant's experiments",
        querystring: Type.Object(PageQuery),
        response: {
          200: { description: 'A page of experiments', ...Page(Ref(Experiment)) },
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) =>
      experiments.list(principalOf(request).tenantId, {
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    '/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getExperiment',
        tags: ['experiments'],
        summary: 'Read an experiment',
        params: IdParams,
        response: { 200: { description: 'The experiment', ...Ref(Experiment) }, ...problems(401, 403, 404) },
      },
    },
    async (request) => experiments.get(principalOf(request).tenantId, request.params.id),
  );
};

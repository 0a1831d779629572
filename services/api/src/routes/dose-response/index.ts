import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdParams, problems } from '../../schemas/common.js';
import { DoseResponse, DoseResponseQuery } from '../../schemas/dose-response.js';
import { jsonOrCsv, prefersCsv, sendCsv } from '../csv.js';

/** `/v1/jobs/{id}/dose-response`: the job's 4-parameter log-logistic fits per treatment and feature. */
export const doseResponseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, results } = app.platescale;

  app.get(
    '/:id/dose-response',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getDoseResponse',
        tags: ['results'],
        summary: 'Dose-response fits (EC50/IC50 with 95% CI, Hill slope, top, bottom, R²) per treatment and feature',
        description:
          "Fitted over each treatment's sample wells: response = bottom + (top − bottom) / (1 + (dose / EC50)^hill). Empty until the job has aggregated, or without a plate map giving doses.",
        params: IdParams,
        querystring: DoseResponseQuery,
        response: { 200: jsonOrCsv('The fits', DoseResponse), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const job = await jobs.row(principalOf(request).tenantId, request.params.id);
      const { feature } = request.query;
      const items = await results.doseResponse(job.id, feature);
      if (prefersCsv(request.headers.accept)) return sendCsv(reply, `${job.id}_dose-response`, items);
      return { jobId: job.id, feature: feature ?? null, items };
    },
  );
};

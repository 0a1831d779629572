import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problems, Ref } from '../../schemas/common.js';
import { Job, JobBody, JobListQuery } from '../../schemas/jobs.js';
import { Plates, Results, ResultsQuery } from '../../schemas/results.js';
import { csvChunks, jsonOrCsv, prefersCsv, sendCsv } from '../csv.js';
import { jobEventRoutes } from './events.js';

export const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { jobs, results } = app.platescale;

  app.post(
    '',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'submitJob',
        tags: ['jobs'],
        summary: 'Submit an analysis job',
        description:
          'Starts the workflow over every image set of the experiment; follow it at links.self or links.events.',
        headers: IdempotencyHeaders,
        body: JobBody,
        response: {
          202: { description: 'Accepted and started', ...Ref(Job) },
          ...problems(400, 401, 403, 404, 409, 422, 503),
        },
      },
    },
    async (request, reply) => reply.code(202).send(await jobs.submit(principalOf(request).tenantId, request.body)),
  );

  app.get(
    '',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'listJobs',
        tags: ['jobs'],
        summary: "List the tenant's jobs, newest first",
        querystring: Type.Object({ ...PageQuery, ...JobListQuery.properties }),
        response: { 200: { description: 'A page of jobs', ...Page(Ref(Job)) }, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { limit, cursor, status, experimentId } = request.query;
      return jobs.list(principalOf(request).tenantId, { limit: limit ?? 100, cursor, status, experimentId });
    },
  );

  app.get(
    '/:id',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getJob',
        tags: ['jobs'],
        summary: 'Read a job: status and progress',
        description: 'Progress counts are the live Map Run counters while the job runs, the final counts afterwards.',
        params: IdParams,
        response: { 200: { description: 'The job', ...Ref(Job) }, ...problems(401, 403, 404) },
      },
    },
    async (request) => jobs.get(principalOf(request).tenantId, request.params.id),
  );

  app.post(
    '/:id/cancel',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'cancelJob',
        tags: ['jobs'],
        summary: 'Cancel a queued or running job',
        params: IdParams,
        headers: IdempotencyHeaders,
        response: { 202: { description: 'Cancelled', ...Ref(Job) }, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(202).send(await jobs.cancel(principalOf(request).tenantId, request.params.id)),
  );

  app.post(
    '/:id/redrive',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'redriveJob',
        tags: ['jobs'],
        summary: 'Redrive a failed job',
        description: 'Re-runs the failed and unfinished items of the failed execution (Step Functions redrive).',
        params: IdParams,
        headers: IdempotencyHeaders,
        response: { 202: { description: 'Running again', ...Ref(Job) }, ...problems(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(202).send(await jobs.redrive(principalOf(request).tenantId, request.params.id)),
  );

  app.get(
    '/:id/results',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getJobResults',
        tags: ['results'],
        summary: 'Results per image, well, condition (treatment × dose) or plate (QC, Z′)',
        description: 'JSON pages, or with `Accept: text/csv` every row of the level as one CSV.',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, ...ResultsQuery.properties }),
        response: { 200: jsonOrCsv('A page of results', Results), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { tenantId } = principalOf(request);
      const job = await jobs.row(tenantId, request.params.id);
      const { limit = 100, cursor, level = 'well', plate, well, failed } = request.query;
      if (prefersCsv(request.headers.accept)) {
        const name = `${job.id}_${level}`;
        if (level === 'image' || level === 'well') {
          // Streamed page by page: a 500,000-image job's CSV is never held in memory.
          const pages = results.pages(job.id, level, { plate, well, failed });
          return sendCsv(reply, name, csvChunks(pages, await results.mapKeys(job.id, level)));
        }
        return sendCsv(reply, name, await results.all(job.id, level));
      }
      const base = { jobId: job.id, nextCursor: null };
      switch (level) {
        case 'image':
          return { ...base, level, ...(await results.images(job.id, { limit, cursor }, { plate, well, failed })) };
        case 'well':
          return { ...base, level, ...(await results.wells(job.id, { limit, cursor }, { plate, well, failed })) };
        case 'condition':
          return { ...base, level, items: await results.all(job.id, level) };
        case 'plate':
          return { ...base, level, items: await results.all(job.id, level) };
      }
    },
  );

  app.get(
    '/:id/plates',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getJobPlates',
        tags: ['results'],
        summary: "The job's plates with their counts of wells and fields",
        description:
          'What a results page lists first, so that it loads one plate of wells at a time (`results?level=well&plate=…`); empty until the job has results.',
        params: IdParams,
        response: { 200: { description: 'One row per plate, in plate order', ...Plates }, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const job = await jobs.row(principalOf(request).tenantId, request.params.id);
      return { jobId: job.id, items: await results.plates(job.id) };
    },
  );

  await app.register(jobEventRoutes);
};

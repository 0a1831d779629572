import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiDeps } from '../deps.js';
import { createSafeCache } from '../services/cached.js';
import { createExperimentService, type ExperimentService } from '../services/experiments.js';
import { createJobService, type JobService } from '../services/jobs.js';
import { createModelCheck } from '../services/model-check.js';
import { createObjectScope, type ObjectScope } from '../services/object-scope.js';
import { createResultService, type ResultService } from '../services/results.js';
import { createWebhookService, type WebhookService } from '../webhooks/service.js';

export interface Services {
  deps: ApiDeps;
  /** Which object keys and prefixes a request may name: the caller's tenant's only. */
  objectScope: ObjectScope;
  experiments: ExperimentService;
  jobs: JobService;
  results: ResultService;
  webhooks: WebhookService;
}

declare module 'fastify' {
  interface FastifyInstance {
    platescale: Services;
  }
}

/** The domain services the routes call, built once over the injected dependencies. */
export const servicesPlugin = fp(
  async (app: FastifyInstance, deps: ApiDeps) => {
    const db = deps.db.db;
    const cache = createSafeCache(deps.cache, app.log);
    const objects = deps.objects.withBucket(deps.config.bucket);
    const objectScope = createObjectScope(objects);
    const experiments = createExperimentService({
      db,
      cache,
      ttlSeconds: deps.config.EXPERIMENT_CACHE_TTL_SECONDS,
      objectScope,
    });
    const jobs = createJobService({
      db,
      cache,
      config: deps.config,
      workflow: deps.workflow,
      experiments,
      objectScope,
      checkModel: createModelCheck(objects),
    });
    app.decorate('platescale', {
      deps,
      objectScope,
      experiments,
      jobs,
      results: createResultService(db),
      webhooks: createWebhookService({ db, config: deps.config, resolveHost: deps.resolveHost }),
    });
  },
  { name: 'platescale-services' },
);

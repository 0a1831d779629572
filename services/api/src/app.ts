import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { isRememberedKey } from './auth/keys.js';
import type { ApiDeps } from './deps.js';
import { authPlugin } from './plugins/auth.js';
import { componentsPlugin } from './plugins/components.js';
import { errorsPlugin } from './plugins/errors.js';
import { idempotencyPlugin } from './plugins/idempotency.js';
import { inputPlugin } from './plugins/input.js';
import { openapiPlugin } from './plugins/openapi.js';
import { securityPlugin } from './plugins/security.js';
import { servicesPlugin } from './plugins/services.js';
import { doseResponseRoutes } from './routes/dose-response/index.js';
import { experimentRoutes } from './routes/experiments/index.js';
import { healthRoutes } from './routes/health/index.js';
import { imageRoutes } from './routes/images/index.js';
import { jobRoutes } from './routes/jobs/index.js';
import { keyRoutes } from './routes/keys/index.js';
import { modelRoutes } from './routes/models/index.js';
import { plateMapRoutes } from './routes/plate-maps/index.js';
import { webRoutes } from './routes/web/index.js';
import { webhookRoutes } from './routes/webhooks/index.js';
import { clientErrorHandler, compilersFactory, frameworkErrors } from './server-options.js';

/**
 * The API as a plugin: named schemas (OpenAPI components) → external plugins (security headers, rate limits,
 * OpenAPI) → app decorators (errors, auth, input checks, idempotency, services) → encapsulated route groups.
 */
export async function app(fastify: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { config } = deps;
  const redis = config.REDIS_URL
    ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000 })
    : undefined;
  if (redis) {
    redis.on('error', (err) => fastify.log.debug({ err }, 'rate-limit redis error'));
    fastify.addHook('onClose', async () => {
      redis.disconnect();
    });
  }
  await fastify.register(componentsPlugin);
  await fastify.register(errorsPlugin);
  await fastify.register(securityPlugin, {
    ratePerMinute: config.API_RATE_LIMIT_PER_MINUTE,
    unauthenticatedPerMinute: config.API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE,
    isRememberedKey: (token) => isRememberedKey(deps.db.db, token),
    redis,
    keyPrefix: config.CACHE_PREFIX,
  });
  await fastify.register(openapiPlugin);
  await fastify.register(authPlugin, { db: deps.db.db });
  await fastify.register(inputPlugin);
  await fastify.register(idempotencyPlugin, { db: deps.db.db });
  await fastify.register(servicesPlugin, deps);

  await fastify.register(healthRoutes, deps);
  await fastify.register(experimentRoutes, { prefix: '/v1/experiments' });
  await fastify.register(plateMapRoutes, { prefix: '/v1/experiments' });
  await fastify.register(jobRoutes, { prefix: '/v1/jobs' });
  await fastify.register(doseResponseRoutes, { prefix: '/v1/jobs' });
  await fastify.register(webhookRoutes, { prefix: '/v1/webhooks' });
  await fastify.register(modelRoutes, { prefix: '/v1/models' });
  await fastify.register(keyRoutes, { prefix: '/v1/keys' });
  await fastify.register(imageRoutes, { prefix: '/v1' });
  await fastify.register(webRoutes);
}

/** A ready-to-listen Fastify instance serving the platescale API over the injected dependencies. */
export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: deps.logger ?? { level: deps.config.LOG_LEVEL },
    bodyLimit: deps.config.API_BODY_LIMIT_BYTES,
    trustProxy: deps.config.PLATESCALE_MODE === 'production',
    schemaController: { compilersFactory },
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  await fastify.register(app, deps);
  await fastify.ready();
  return fastify;
}

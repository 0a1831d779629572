import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const TAGS = [
  { name: 'experiments', description: 'Where the images of an experiment are and how their names are read' },
  { name: 'jobs', description: 'Analysis jobs: submit, follow, cancel, redrive' },
  { name: 'results', description: 'Per-well and per-image measurements of a job' },
  { name: 'models', description: 'Pixel-classifier models: train from sparse labels, list, preview' },
  { name: 'webhooks', description: 'Signed completion notifications (Standard Webhooks)' },
  { name: 'keys', description: "API keys of the caller's tenant: list, create, revoke (scope admin)" },
  { name: 'health', description: 'Liveness and readiness probes' },
];

/** The OpenAPI 3.1 document is generated from the route schemas; routes without tags (docs, spec) stay out. */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'platescale API',
          version: '1.0.0',
          description:
            'Segment every image of a plate experiment and aggregate per well. Authenticate with `Authorization: Bearer psk_…`; ' +
            'every POST but `POST /v1/keys` (whose answer holds a secret) accepts an `Idempotency-Key`; errors are `application/problem+json` with a stable `code`.',
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
          contact: { name: 'platescale', url: 'https://platescale.dev' },
        },
        servers: [{ url: 'http://127.0.0.1:3000', description: 'platescale serve (embedded)' }],
        tags: TAGS,
        components: {
          securitySchemes: {
            apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: psk_…' },
          },
        },
        security: [{ apiKey: [] }],
      },
      hideUntagged: true,
      // Called for every schema with an $id: the components (schemas/components.ts) are named by it, not def-N, so
      // generated clients get stable type names.
      refResolver: { buildLocalReference: (json) => String(json.$id) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  },
  { name: 'platescale-openapi' },
);

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdempotencyHeaders, IdParams, Page, PageQuery, problems, Ref } from '../../schemas/common.js';
import { DeliveryParams, Webhook, WebhookBody, WebhookCreated, WebhookDelivery } from '../../schemas/webhooks.js';

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { webhooks } = app.platescale;
  const config = { scope: 'webhooks:manage' as const };

  app.post(
    '',
    {
      config,
      schema: {
        operationId: 'createWebhook',
        tags: ['webhooks'],
        summary: 'Subscribe a URL to job completion events',
        description:
          'Deliveries follow the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature) and ' +
          'are signed with the secret returned here, once. Failed deliveries are retried with backoff for over 24 h.',
        headers: IdempotencyHeaders,
        body: WebhookBody,
        response: { 201: { description: 'Subscribed', ...WebhookCreated }, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await webhooks.create(principalOf(request).tenantId, request.body)),
  );

  app.get(
    '',
    {
      config,
      schema: {
        operationId: 'listWebhooks',
        tags: ['webhooks'],
        summary: "List the tenant's webhooks",
        querystring: Type.Object(PageQuery),
        response: { 200: { description: 'A page of webhooks', ...Page(Ref(Webhook)) }, ...problems(400, 401, 403) },
      },
    },
    async (request) =>
      webhooks.list(principalOf(request).tenantId, { limit: request.query.limit ?? 100, cursor: request.query.cursor }),
  );

  app.get(
    '/:id',
    {
      config,
      schema: {
        operationId: 'getWebhook',
        tags: ['webhooks'],
        summary: 'Read a webhook',
        params: IdParams,
        response: { 200: { description: 'The webhook', ...Ref(Webhook) }, ...problems(401, 403, 404) },
      },
    },
    async (request) => webhooks.get(principalOf(request).tenantId, request.params.id),
  );

  app.delete(
    '/:id',
    {
      config,
      schema: {
        operationId: 'deleteWebhook',
        tags: ['webhooks'],
        summary: 'Unsubscribe (the delivery log is kept)',
        params: IdParams,
        response: { 204: { description: 'Deleted', type: 'null' }, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(principalOf(request).tenantId, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/enable',
    {
      config,
      schema: {
        operationId: 'enableWebhook',
        tags: ['webhooks'],
        summary: 'Turn a webhook back on after sustained delivery failure disabled it (no-op when enabled)',
        description:
          'Events from now on are delivered again. Deliveries that failed meanwhile stay failed: resend them from ' +
          'the delivery log with redeliver.',
        params: IdParams,
        headers: IdempotencyHeaders,
        response: {
          200: { description: 'The webhook, enabled', ...Ref(Webhook) },
          ...problems(401, 403, 404, 409, 422),
        },
      },
    },
    async (request) => webhooks.enable(principalOf(request).tenantId, request.params.id),
  );

  app.get(
    '/:id/deliveries',
    {
      config,
      schema: {
        operationId: 'listWebhookDeliveries',
        tags: ['webhooks'],
        summary: 'The delivery log: every delivery and each of its attempts, newest first',
        params: IdParams,
        querystring: Type.Object(PageQuery),
        response: {
          200: { description: 'A page of deliveries', ...Page(Ref(WebhookDelivery)) },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) =>
      webhooks.deliveries(principalOf(request).tenantId, request.params.id, {
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '/:id/deliveries/:deliveryId/redeliver',
    {
      config,
      schema: {
        operationId: 'redeliverWebhook',
        tags: ['webhooks'],
        summary: 'Send a delivery again (queued now, same webhook-id)',
        params: DeliveryParams,
        headers: IdempotencyHeaders,
        response: {
          202: {
            description: 'Queued',
            ...Type.Object({ deliveryId: Type.String(), status: Type.Literal('pending') }),
          },
          ...problems(401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      await webhooks.redeliver(principalOf(request).tenantId, id, deliveryId);
      return reply.code(202).send({ deliveryId, status: 'pending' as const });
    },
  );
};

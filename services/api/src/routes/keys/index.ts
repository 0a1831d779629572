import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ValidationError } from '@platescale/shared';
import Type from 'typebox';
import { assertGrantable, createApiKey, listApiKeys, revokeApiKey } from '../../auth/keys.js';
import { principalOf } from '../../plugins/auth.js';
import { IdParams, Page, PageQuery, problems, Ref } from '../../schemas/common.js';
import { ApiKey, ApiKeyBody, ApiKeyCreated } from '../../schemas/keys.js';

/** The calling tenant's API keys; every operation needs `admin` and sees only that tenant's keys. */
export const keyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.platescale.deps.db;
  const config = { scope: 'admin' as const };

  app.get(
    '',
    {
      config,
      schema: {
        operationId: 'listApiKeys',
        tags: ['keys'],
        summary: "List the tenant's API keys, revoked ones included, newest first",
        querystring: Type.Object(PageQuery),
        response: { 200: { description: 'A page of keys', ...Page(Ref(ApiKey)) }, ...problems(400, 401, 403) },
      },
    },
    async (request) =>
      listApiKeys(db, principalOf(request).tenantId, {
        limit: request.query.limit ?? 100,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    '',
    {
      config,
      // The idempotency store keeps response bodies for a day: a replayable answer would store the key itself.
      preValidation: async (request) => {
        if (request.headers['idempotency-key'] !== undefined) {
          throw new ValidationError(
            'POST /v1/keys takes no Idempotency-Key: the key it returns is never stored, so it cannot be replayed',
            'idempotency-key',
          );
        }
      },
      schema: {
        operationId: 'createApiKey',
        tags: ['keys'],
        summary: "Create an API key in the caller's tenant",
        description:
          'The key is returned once; only its hash is stored. The scopes must be held by the calling key. ' +
          'Unlike other POSTs this one refuses an Idempotency-Key (400): replaying it would mean storing the key.',
        body: ApiKeyBody,
        response: { 201: { description: 'Created', ...ApiKeyCreated }, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      assertGrantable(principal.scopes, request.body.scopes);
      return reply.code(201).send(await createApiKey(db, { tenant: principal.tenantId, scopes: request.body.scopes }));
    },
  );

  app.delete(
    '/:id',
    {
      config,
      schema: {
        operationId: 'revokeApiKey',
        tags: ['keys'],
        summary: 'Revoke an API key (the calling key too); revoking a revoked key is a no-op',
        description:
          'The key stops working at once on the API process that answers; other API processes accept it for up to ' +
          '10 s more (their verified-key cache).',
        params: IdParams,
        response: { 204: { description: 'Revoked', type: 'null' }, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await revokeApiKey(db, request.params.id, principalOf(request).tenantId);
      return reply.code(204).send(null);
    },
  );
};

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import type { ApiDeps } from '../../deps.js';
import { problems } from '../../schemas/common.js';

const CHECK_TIMEOUT_MS = 1500;

const Check = Type.Object({
  status: Type.Enum(['up', 'down']),
  adapter: Type.String(),
  latencyMs: Type.Number(),
});

const Readiness = Type.Object({
  status: Type.Enum(['ok', 'degraded', 'unavailable'], {
    description: '`degraded`: the cache is down and the API answers from the database (slower)',
  }),
  checks: Type.Object({ database: Check, cache: Check, objects: Check, workflow: Check }),
});

async function probe(adapter: string, check: () => Promise<boolean>): Promise<Type.Static<typeof Check>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  const up = await Promise.race([check().catch(() => false), timeout]);
  clearTimeout(timer);
  return { status: up ? 'up' : 'down', adapter, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
}

export const healthRoutes: FastifyPluginAsyncTypebox<ApiDeps> = async (app, deps) => {
  app.get(
    '/health/live',
    {
      schema: {
        operationId: 'getLiveness',
        tags: ['health'],
        summary: 'The process is up',
        security: [],
        response: { 200: { description: 'Alive', ...Type.Object({ status: Type.Literal('ok') }) }, ...problems() },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/health/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Dependencies reachable: database, cache, object store, workflow engine',
        security: [],
        response: {
          200: { description: 'Ready (possibly degraded: cache down)', ...Readiness },
          503: { description: 'A required dependency is down', ...Readiness },
          ...problems(),
        },
      },
    },
    async (_request, reply) => {
      const { adapters } = deps.config;
      const [database, cache, objects, workflow] = await Promise.all([
        probe(adapters.database, () => deps.db.ping()),
        probe(adapters.cache, () => deps.cache.ping()),
        probe(adapters.objects, async () => {
          await deps.objects.list('', { maxKeys: 1 });
          return true;
        }),
        probe(adapters.workflow, async () => (deps.workflow.ping ? deps.workflow.ping() : true)),
      ]);
      const required = [database, objects, workflow].every((c) => c.status === 'up');
      const status = !required ? 'unavailable' : cache.status === 'up' ? 'ok' : 'degraded';
      return reply.code(required ? 200 : 503).send({ status, checks: { database, cache, objects, workflow } });
    },
  );
};

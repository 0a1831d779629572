import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { ApiDeps } from './deps.js';
import { createWebhookDispatcher } from './webhooks/dispatcher.js';

/**
 * Serves the API and runs the webhook dispatcher in this process: completion events from the (in-process) bus are
 * queued as deliveries, and the retry loop sends what is due. `close()` stops both.
 */
export async function startServer(
  deps: ApiDeps,
  listen: { host: string; port: number },
): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const app = await buildApp(deps);
  const dispatcher = createWebhookDispatcher({
    db: deps.db,
    config: deps.config,
    ...(deps.resolveHost ? { resolveHost: deps.resolveHost } : {}),
    onError: (err) => app.log.error({ err }, 'webhook dispatch failed'),
  });
  const unsubscribe = deps.events.subscribe((event) => dispatcher.handle(event));
  dispatcher.start();
  const url = await app.listen(listen);
  return {
    app,
    url,
    async close() {
      unsubscribe();
      await dispatcher.stop();
      await app.close();
    },
  };
}

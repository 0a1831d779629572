import type { Database } from '@platescale/db';
import type { Cache, Config, EventBus, ObjectStore, Workflow } from '@platescale/shared';
import type { FastifyServerOptions } from 'fastify';

/** Everything the API talks to, injected (the runtime builds these from the configuration). */
export interface ApiDeps {
  config: Config;
  db: Database;
  cache: Cache;
  objects: ObjectStore;
  workflow: Workflow;
  events: EventBus;
  /** Fastify logger option; default: pino at config.LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'];
  /** Host name → addresses, for the webhook SSRF guard (tests substitute DNS). Default: the system resolver. */
  resolveHost?: (hostname: string) => Promise<string[]>;
}

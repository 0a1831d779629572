import { createApiKey, startServer } from '@platescale/api';
import { createRuntime, type Runtime, type RuntimeOptions } from '@platescale/runtime';
import { ApiClient } from './api-client.js';

export interface Platform {
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

/** The whole platform in this process: runtime (database, cache, objects, engine + worker pool, bus) + the HTTP API. */
export async function startPlatform(
  opts: { host?: string; port?: number; logger?: boolean } & Pick<
    RuntimeOptions,
    'env' | 'wrapSegmenter' | 'segmenterWorker' | 'lambdas'
  >,
) {
  const runtime = await createRuntime({
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.lambdas ? { lambdas: opts.lambdas } : {}),
    ...(opts.wrapSegmenter ? { wrapSegmenter: opts.wrapSegmenter } : {}),
    ...(opts.segmenterWorker ? { segmenterWorker: opts.segmenterWorker } : {}),
  });
  const { config } = runtime;
  try {
    const server = await startServer(
      {
        config,
        db: runtime.database,
        cache: runtime.cache,
        objects: runtime.objects,
        workflow: runtime.workflow,
        events: runtime.events,
        logger: opts.logger ?? false,
      },
      { host: opts.host ?? config.HOST, port: opts.port ?? 0 },
    );
    // Only now: the webhook dispatcher must be subscribed before events a crash left behind go out.
    await runtime.start();
    return {
      runtime,
      url: server.url,
      async close() {
        await server.close();
        await runtime.close();
      },
    } satisfies Platform;
  } catch (err) {
    await runtime.close();
    throw err;
  }
}

/** The tenant of the CLI's own client on an embedded platform. */
export const LOCAL_TENANT = 'local';

/** A fresh API key of a local user (the CLI's own client; the web UI's e2e test signs in with one). */
export async function localKey(platform: Platform, tenant = LOCAL_TENANT): Promise<string> {
  const { key } = await createApiKey(platform.runtime.database, {
    tenant,
    scopes: ['jobs:write', 'jobs:read', 'models:write', 'webhooks:manage'],
  });
  return key;
}

/** A client with a fresh key of its own, so the CLI goes through the same front door as a lab system. */
export async function localClient(platform: Platform, tenant = LOCAL_TENANT): Promise<ApiClient> {
  return new ApiClient(platform.url, await localKey(platform, tenant));
}

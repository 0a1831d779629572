import type { Runtime } from '../../../packages/runtime/src/index.js';
import { startServer } from '../../../services/api/src/index.js';

/** The HTTP API over a runtime's adapters on a free local port (no request log). */
export function serveRuntime(runtime: Runtime) {
  return startServer(
    {
      config: runtime.config,
      db: runtime.database,
      cache: runtime.cache,
      objects: runtime.objects,
      workflow: runtime.workflow,
      events: runtime.events,
      logger: false,
    },
    { host: '127.0.0.1', port: 0 },
  );
}

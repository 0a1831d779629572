/**
 * The API alone in a process (no engine work, no worker pool), serving an existing database: bench:scale reads
 * this process's peak RSS after streaming a whole results level as CSV from it. Sends { url } when listening.
 */
import { createRuntime } from '../../../packages/runtime/src/index.js';
import { serveRuntime } from './serve.js';

const runtime = await createRuntime({
  // Serving results never segments; a stand-in keeps the worker pool (and its model) out of the measurement.
  lambdas: {
    SegmenterFunctionArn: async () => {
      throw new Error('the results API process does not segment');
    },
  },
});
const server = await serveRuntime(runtime);
process.send?.({ url: server.url });
process.once('SIGTERM', async () => {
  await server.close();
  await runtime.close();
  process.exit(0);
});

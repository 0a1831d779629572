import { loadConfig } from '@platescale/shared';
import { intOption, parseCommandArgs } from '../lib/args.js';
import { startPlatform } from '../lib/platform.js';

/**
 * `platescale serve [--port P] [--host H]`: the API and the runtime (engine, workers, bus, webhooks) until signalled.
 * Without options it listens where the environment says (PORT, HOST: the container images set them).
 */
export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { port: { type: 'string' }, host: { type: 'string' } }, false);
  const port = intOption(values.port, 'port', 0, 65535) ?? loadConfig().PORT;
  const platform = await startPlatform({
    port,
    ...(values.host ? { host: values.host } : {}),
    logger: true,
  });
  const { config } = platform.runtime;
  process.stderr.write(
    `platescale serving ${platform.url} (database ${config.adapters.database}, cache ${config.adapters.cache}, ` +
      `objects ${config.adapters.objects}, workflow ${config.adapters.workflow}, events ${config.adapters.events})\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('platescale: shutting down…\n');
  await platform.close();
  return 0;
}

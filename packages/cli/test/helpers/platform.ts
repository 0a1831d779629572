import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localClient, type Platform, startPlatform } from '../../src/lib/platform.js';

/**
 * A whole platform for one test file: a temporary PLATESCALE_HOME, and — when DATABASE_URL / REDIS_URL are set
 * (CI) — the real servers, in a schema and key prefix of the test's own.
 */
export async function startTestPlatform(extraEnv: Record<string, string> = {}) {
  const home = await mkdtemp(join(tmpdir(), 'platescale-test-'));
  const run = `t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    PLATESCALE_HOME: home,
    PLATESCALE_MODE: 'test',
    LOG_LEVEL: 'silent',
    WORKERS: '2',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: run } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, CACHE_PREFIX: `${run}:` } : {}),
    ...extraEnv,
  };
  let platform: Platform = await startPlatform({ env, port: 0, host: '127.0.0.1' });
  const client = await localClient(platform, 'e2e');
  return {
    get platform() {
      return platform;
    },
    client,
    home,
    /** Stops the platform (its server goes away) and, after `downMs`, starts it again on the same port and state. */
    async restart(downMs = 0) {
      const port = Number(new URL(platform.url).port);
      await platform.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      platform = await startPlatform({ env, port, host: '127.0.0.1' });
    },
    async close() {
      await platform.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}

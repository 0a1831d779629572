import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** `platescale <args>` as a user runs it: its own process on an embedded platform in `home`. */
export function platescale(args: string[], home: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      { env: { ...env, PLATESCALE_HOME: home, WORKERS: '2', LOG_LEVEL: 'silent' } },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

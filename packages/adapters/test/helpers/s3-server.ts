import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The credentials s3rver checks SigV4 signatures against (its defaults). */
export const S3RVER_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' } as const;

export interface S3Server {
  /** http://127.0.0.1:<port>: an S3_ENDPOINT (path-style). */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./s3rver-main.mjs', import.meta.url));

/**
 * A real S3 API server on an ephemeral loopback port with the given buckets: s3rver (the S3 REST protocol,
 * SigV4 checked, objects on disk), in a process of its own. The S3 adapter's tests and the container tests use it.
 */
export async function startS3Server(buckets: string[]): Promise<S3Server> {
  const directory = await mkdtemp(join(tmpdir(), 'platescale-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', MAIN, directory, ...buckets], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then(() => {
      throw new Error('s3rver exited before it listened');
    }),
  ]);
  lines.close();
  const { port } = JSON.parse(first) as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async close() {
      child.kill('SIGTERM');
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

export interface ServingProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far (its log). */
  log(): string;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<void>;
}

/**
 * `platescale serve --port 0` in a process of its own (API, local engine, worker pool, webhook dispatcher): the
 * serving process a deployment runs, started the way an operator starts it. Resolves once it listens.
 */
export function startServing(env: NodeJS.ProcessEnv, args: string[] = []): Promise<ServingProcess> {
  const child = spawn(process.execPath, ['--import=tsx', MAIN, 'serve', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /platescale serving (http:\/\/\S+)/.exec(log);
      if (m) {
        child.stderr!.removeAllListeners('data');
        child.stderr!.on('data', (more: Buffer) => {
          log += more.toString();
        });
        resolve({
          child,
          url: m[1]!,
          log: () => log,
          exited,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
          async stop() {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    exited.then((code) => reject(new Error(`serving process exited (${code}) before listening:\n${log}`)));
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/serve.ts', import.meta.url));

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
 * A serving process of its own (API, local engine, worker pool, webhook dispatcher). `cli`: `platescale serve
 * --port 0`, started the way an operator starts it; `instrumented`: the same platform with the segmenter's invoke
 * logged and faults injected as the environment says (fixtures/serve.ts). Resolves once it listens.
 */
export function startServing(
  env: NodeJS.ProcessEnv,
  entry: 'cli' | 'instrumented' = 'instrumented',
): Promise<ServingProcess> {
  const args = entry === 'cli' ? [MAIN, 'serve', '--port', '0'] : [FIXTURE];
  const child = spawn(process.execPath, ['--import=tsx', ...args], {
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

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ImageName } from '../../infra/lib/containers/images.js';
import { LambdaFunctionError } from '../../packages/adapters/src/index.js';

/** Every container the tests start carries this label, so that a run interrupted midway can be cleaned up. */
export const TEST_LABEL = 'platescale.test=containers';

/** The tag the container tests build and run. */
export function testTag(image: ImageName): string {
  return `platescale-${image}:test`;
}

export interface DockerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docker CLI to completion; never rejects on a non-zero exit (the caller reads `code`). */
export function docker(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<DockerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** The image's size as `docker image ls` reports it (all layers, the base included). */
export async function imageBytes(tag: string): Promise<number> {
  const out = await docker(['image', 'inspect', '--format', '{{.Size}}', tag]);
  if (out.code !== 0) throw new Error(`docker image inspect ${tag}: ${out.stderr.trim()}`);
  return Number(out.stdout.trim());
}

/** `-e NAME=value` for each variable. */
export function envArgs(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

export interface Invocation {
  /** The handler's return value (`lambda-result:` line), when it returned. */
  result?: unknown;
  /** Lambda's error shape (`lambda-error:` line), when it threw. */
  error?: { errorType: string; errorMessage: string; trace: string[] };
  /** Seconds from `docker run` to the result line: container start, Node start, module load, the handler. */
  seconds: number;
  /** The handler's own output (logs, EMF metrics), without the result line. */
  output: string;
  stderr: string;
  code: number;
}

const RESULT = /^lambda-(result|error): (.*)$/;

/**
 * One invocation of a Lambda image's handler, in a fresh container on the host network (`docker run -i`, event
 * on stdin). The stand-in base's entry point runs the image's CMD handler, or `handler` when given
 * (scripts/containers/stand-in/lambda-runtime.mjs).
 */
export function invokeLambda(
  tag: string,
  opts: { event: unknown; env: Record<string, string>; handler?: string },
): Promise<Invocation> {
  const args = ['run', '--rm', '-i', '--network', 'host', '--label', TEST_LABEL, ...envArgs(opts.env), tag];
  if (opts.handler) args.push(opts.handler);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const invocation: Invocation = { seconds: Number.NaN, output: '', stderr: '', code: 1 };
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = RESULT.exec(line);
      if (!match) {
        invocation.output += `${line}\n`;
        return;
      }
      invocation.seconds = Math.round((performance.now() - started) / 10) / 100;
      if (match[1] === 'result') invocation.result = JSON.parse(match[2] as string);
      else invocation.error = JSON.parse(match[2] as string);
    });
    child.stderr.on('data', (d: Buffer) => {
      invocation.stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...invocation, code: code ?? 1 }));
    child.stdin.end(JSON.stringify(opts.event));
  });
}

/** Removes every container the tests started that is still there (an interrupted run). */
export async function removeTestContainers(): Promise<void> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`])).stdout.split('\n').filter(Boolean);
  if (ids.length > 0) await docker(['rm', '-f', ...ids]);
}

/**
 * A Lambda function for the local engine (`lambdas` of createLocalWorkflow) whose every invocation runs in a
 * fresh container of the image: what docker compose does over the Runtime Interface Emulator, with `docker run`
 * as the transport. A handler error becomes the error Lambda reports (its errorType), as the emulator invoker does.
 */
export function containerFunction(
  tag: string,
  handler: string,
  env: Record<string, string>,
  onInvocation?: (invocation: Invocation) => void,
): (payload: unknown) => Promise<unknown> {
  return async (payload) => {
    const invocation = await invokeLambda(tag, { event: payload, env, handler });
    onInvocation?.(invocation);
    if (invocation.error) throw new LambdaFunctionError(invocation.error.errorType, invocation.error.errorMessage);
    if (!('result' in invocation)) {
      throw new LambdaFunctionError(
        'Runtime.ExitError',
        `${tag} ${handler} exited with ${invocation.code} without a response: ${invocation.stderr.slice(-500)}`,
      );
    }
    return invocation.result;
  };
}

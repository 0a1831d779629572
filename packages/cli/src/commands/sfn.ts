import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFilesystemObjectStore, createObjectStore } from '@platescale/adapters';
import { createLocalWorkflow, functionNameOf, type LambdaHandler } from '@platescale/engine';
import { loadConfig, ValidationError } from '@platescale/shared';
import { intOption, parseCommandArgs } from '../lib/args.js';

const HELP = `usage: platescale sfn run <definition.(yaml|json)> [--input <json>|@file]
       --lambda <Name|ARN>=<module.mjs>[#export] ... [--objects DIR] [--sub Name=Value ...]
       [--name EXECUTION] [--pool N]

Runs a Step Functions definition on the local engine and prints the execution's output JSON on stdout.
Exit 0 when it SUCCEEDED; 1 when it FAILED/ABORTED, with the error and cause on stderr.
  --lambda   a local handler: an ordinary async (event) => result export (default export 'handler', else default)
  --objects  S3 bucket B, key K is the file DIR/B/K (default: the embedded object store)
  --sub      a \${Name} definition substitution
  --pool     concurrent child executions (default: cores)`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommandArgs(rest, {
    input: { type: 'string' },
    lambda: { type: 'string', multiple: true },
    objects: { type: 'string' },
    sub: { type: 'string', multiple: true },
    name: { type: 'string' },
    pool: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (values.help || sub !== 'run' || positionals.length !== 1) {
    process.stderr.write(`${HELP}\n`);
    return values.help ? 0 : 2;
  }
  const lambdas: Record<string, LambdaHandler> = {};
  for (const spec of values.lambda ?? []) {
    const [name, target] = splitPair(spec, 'lambda');
    lambdas[functionNameOf(name)] = await loadHandler(target);
  }
  const substitutions = Object.fromEntries((values.sub ?? []).map((s) => splitPair(s, 'sub')));
  const objects = values.objects
    ? createFilesystemObjectStore(resolve(values.objects), 'default')
    : createObjectStore(loadConfig());
  const poolSize = intOption(values.pool, 'pool', 1, 1024);
  const workflow = createLocalWorkflow({
    definition: resolve(positionals[0]!),
    substitutions,
    lambdas,
    objects,
    ...(poolSize ? { poolSize } : {}),
  });
  const { executionArn } = await workflow.start(values.name ?? `run-${Date.now()}`, await readInput(values.input));
  const done = await workflow.wait(executionArn);
  if (done.status === 'SUCCEEDED') {
    process.stdout.write(`${JSON.stringify(done.output)}\n`);
    return 0;
  }
  process.stderr.write(`${done.status}: ${done.error ?? ''}\n${done.cause ?? ''}\n`);
  return 1;
}

function splitPair(spec: string, flag: string): [string, string] {
  const i = spec.indexOf('=');
  if (i <= 0 || i === spec.length - 1) throw new ValidationError(`--${flag} expects Name=Value, got '${spec}'`, flag);
  return [spec.slice(0, i), spec.slice(i + 1)];
}

async function readInput(input: string | undefined): Promise<unknown> {
  if (input === undefined) return {};
  const text = input.startsWith('@') ? await readFile(resolve(input.slice(1)), 'utf8') : input;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('--input is not valid JSON', 'input');
  }
}

async function loadHandler(target: string): Promise<LambdaHandler> {
  const hash = target.lastIndexOf('#');
  const file = hash > 0 ? target.slice(0, hash) : target;
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const name = hash > 0 ? target.slice(hash + 1) : 'handler' in mod ? 'handler' : 'default';
  const fn = mod[name];
  if (typeof fn !== 'function') throw new ValidationError(`${file} has no function export '${name}'`, 'lambda');
  // The engine awaits whatever the handler returns, so a synchronous export works too.
  return fn as LambdaHandler;
}

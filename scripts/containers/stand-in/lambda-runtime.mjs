// The stand-in Lambda base image's entry point: one invocation of the image's handler, the way the Lambda
// runtime calls it, without the Runtime Interface Client/Emulator (not available on this machine).
//   docker run -i IMAGE [dir/module.export] < event.json
// The handler is the image's CMD (or the argument), resolved under LAMBDA_TASK_ROOT like the real runtime
// does; the event is the JSON on stdin. The handler's own output (logs, EMF metrics) goes through untouched;
// the result is the last line, `lambda-result: <json>`, or `lambda-error: {errorType, errorMessage, trace}`
// with exit code 1.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const spec = process.argv[2] ?? '';
const dot = spec.lastIndexOf('.');
if (dot <= 0) {
  process.stderr.write(`lambda-runtime: expected a handler "dir/module.export", got "${spec}"\n`);
  process.exit(2);
}
const root = process.env.LAMBDA_TASK_ROOT ?? '/var/task';
const moduleUrl = pathToFileURL(`${root}/${spec.slice(0, dot)}.js`).href;
const exportName = spec.slice(dot + 1);

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString('utf8').trim();
const event = text === '' ? {} : JSON.parse(text);

const timeoutMs = Number(process.env.AWS_LAMBDA_FUNCTION_TIMEOUT ?? 900) * 1000;
const deadline = Date.now() + timeoutMs;
const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'function';
const context = {
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:000000000000:function:${functionName}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '3008',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'stand-in',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};

try {
  const handler = (await import(moduleUrl))[exportName];
  if (typeof handler !== 'function') throw new TypeError(`${spec}: ${exportName} is not a function`);
  const result = await handler(event, context);
  process.stdout.write(`\nlambda-result: ${JSON.stringify(result ?? null)}\n`);
  // Lambda freezes the environment after the response; pools (pg, Redis) would keep a plain process alive.
  process.exit(0);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  const error = { errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') };
  process.stdout.write(`\nlambda-error: ${JSON.stringify(error)}\n`);
  process.exit(1);
}

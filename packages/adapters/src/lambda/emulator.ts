import { ValidationError } from '@platescale/shared';
import { LambdaFunctionError } from '../errors.js';

/** A Lambda handler as the local engine calls it: payload in, response payload out, or throws. */
export type LambdaInvoker = (payload: unknown) => Promise<unknown>;

const INVOKE_PATH = '/2015-03-31/functions/function/invocations';

/**
 * `name=url[|url…],…` (LAMBDA_ENDPOINTS) → function name → emulator URLs. Several URLs are several containers
 * of one image: the Runtime Interface Emulator runs one invocation at a time.
 */
export function parseLambdaEndpoints(value: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const entry of value.split(',')) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq).trim();
    const urls = entry
      .slice(eq + 1)
      .split('|')
      .map((u) => u.trim())
      .filter(Boolean);
    if (eq <= 0 || urls.length === 0 || urls.some((u) => !/^https?:\/\//.test(u))) {
      throw new ValidationError(
        `LAMBDA_ENDPOINTS entry '${entry}' is not name=http://host:port[|…]`,
        'LAMBDA_ENDPOINTS',
      );
    }
    out[name] = urls;
  }
  return out;
}

/**
 * Invokes a function through the Runtime Interface Emulator's HTTP API (the Lambda base images ship it; docker
 * compose runs the real images this way). One invocation per container at a time; callers beyond that wait.
 * The emulator answers 200 even for function errors, with the `{errorType, errorMessage}` body.
 */
export function createEmulatorInvoker(urls: string[], opts: { fetch?: typeof fetch } = {}): LambdaInvoker {
  const doFetch = opts.fetch ?? fetch;
  const idle = [...urls];
  const waiting: ((url: string) => void)[] = [];
  const acquire = () => {
    const url = idle.shift();
    return url !== undefined ? Promise.resolve(url) : new Promise<string>((resolve) => waiting.push(resolve));
  };
  const release = (url: string) => {
    const next = waiting.shift();
    if (next) next(url);
    else idle.push(url);
  };

  return async (payload) => {
    const url = await acquire();
    let response: Response;
    let text: string;
    try {
      response = await doFetch(new URL(INVOKE_PATH, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload ?? {}),
      });
      text = await response.text();
    } catch (err) {
      // Unreachable container: what the Lambda service reports as a service-side failure (retried by the ASL).
      throw new LambdaFunctionError('Lambda.ServiceException', `${url}: ${(err as Error).message}`);
    } finally {
      release(url);
    }
    if (!response.ok) {
      throw new LambdaFunctionError(
        response.status === 429 ? 'Lambda.TooManyRequestsException' : 'Lambda.ServiceException',
        `${url} answered ${response.status}: ${text.slice(0, 500)}`,
      );
    }
    if (text.trim() === '')
      throw new LambdaFunctionError('Runtime.ExitError', `${url}: the function exited without a response`);
    const body = JSON.parse(text) as unknown;
    if (isFunctionError(body)) throw new LambdaFunctionError(body.errorType, body.errorMessage);
    return body;
  };
}

function isFunctionError(body: unknown): body is { errorType: string; errorMessage: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const keys = Object.keys(body);
  const b = body as Record<string, unknown>;
  return (
    typeof b.errorType === 'string' &&
    typeof b.errorMessage === 'string' &&
    keys.every((k) => ['errorType', 'errorMessage', 'trace', 'stackTrace'].includes(k))
  );
}

/** Invokers for every function LAMBDA_ENDPOINTS names, keyed by function name (the engine's `lambdas`). */
export function createEmulatorInvokers(endpoints: string): Record<string, LambdaInvoker> {
  return Object.fromEntries(
    Object.entries(parseLambdaEndpoints(endpoints)).map(([name, urls]) => [name, createEmulatorInvoker(urls)]),
  );
}

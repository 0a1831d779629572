import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Answer<T = unknown> {
  status: number;
  type: string;
  body: T;
  ms: number;
}

/** One HTTP call, answered as is (no retry): the scenarios look at the status codes an outage produces. */
export async function call<T = Record<string, unknown>>(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<Answer<T>> {
  const started = performance.now();
  const res = await fetch(new URL(path, url), {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    body: (type.includes('json') && text ? JSON.parse(text) : text) as T,
    ms: performance.now() - started,
  };
}

/** Like `call`, but a non-2xx answer is an error. */
export async function ok<T = Record<string, unknown>>(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const a = await call<T>(url, key, method, path, body);
  if (a.status >= 300) throw new Error(`${method} ${path} answered ${a.status}: ${JSON.stringify(a.body)}`);
  return a.body;
}

const TERMINAL = new Set(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface JobView {
  jobId: string;
  status: string;
  progress: { total: number; succeeded: number; failed: number; running: number; pending: number };
}

/** Polls GET /v1/jobs/{id} until `until` holds (default: the job ended); transport errors count as "not yet". */
export async function waitForJob(
  url: () => string,
  key: string,
  jobId: string,
  opts: { until?: (j: JobView) => boolean; timeoutMs?: number } = {},
): Promise<JobView> {
  const until = opts.until ?? ((j) => TERMINAL.has(j.status));
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const a = await call<JobView>(url(), key, 'GET', `/v1/jobs/${jobId}`);
      if (a.status === 200) {
        last = a.body;
        if (until(a.body)) return a.body;
      } else last = a.body;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`job ${jobId} did not reach the awaited state: ${JSON.stringify(last)}`);
}

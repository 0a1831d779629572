import { PlatescaleError } from '@platescale/shared';
import type { ProgressSnapshot } from './progress.js';

export class ApiRequestError extends PlatescaleError {
  constructor(method: string, path: string, status: number, body: string) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`, { code: 'api_request_failed', status });
  }
}

export interface JobView {
  jobId: string;
  status: string;
  progress?: { total?: number; succeeded?: number; failed?: number; running?: number; pending?: number };
  [k: string]: unknown;
}

const TERMINAL = new Set(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED']);

/** The few calls the CLI makes, over HTTP with an API key: the same path a lab system takes. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await this.requestText(method, path, 'application/json', body);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * The raw body in the representation `accept` asks for (e.g. text/csv results). A string or binary body is sent
   * as is with `contentType` (a CSV plate map, a TIFF upload); anything else as JSON.
   */
  async requestText(
    method: string,
    path: string,
    accept: string,
    body?: unknown,
    contentType?: string,
  ): Promise<string> {
    const raw = typeof body === 'string' || body instanceof Uint8Array;
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        accept,
        ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
      },
      ...(body === undefined ? {} : { body: raw ? (body as string | Uint8Array) : JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new ApiRequestError(method, path, res.status, text);
    return text;
  }

  /** Polls the job until it ends, reporting progress; resolves with the final job view. */
  async waitForJob(jobId: string, onProgress: (p: ProgressSnapshot) => void, intervalMs = 250): Promise<JobView> {
    for (;;) {
      const job = await this.request<JobView>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
      const p = job.progress ?? {};
      onProgress({ done: p.succeeded ?? 0, failed: p.failed ?? 0, total: p.total ?? 0, running: p.running ?? 0 });
      if (TERMINAL.has(job.status)) return job;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

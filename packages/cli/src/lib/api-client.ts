import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PlatescaleError, UnavailableError } from '@platescale/shared';
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

export interface ApiClientOptions {
  /** How long a server that does not answer (restarting, redeploying) is waited for; default 5 minutes. */
  retryForMs?: number;
  /** Told once per outage, when the server first fails to answer. Default: one line on stderr. */
  onUnavailable?: () => void;
}

const TERMINAL = new Set(['SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED', 'CANCELLED']);
/** Answers of a server that is going away or coming back (a proxy in front of it, or the API itself). */
const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
/** A server that never answered this client is more likely a wrong URL than a restart: it is waited for less. */
const FIRST_CONTACT_MS = 15_000;

/** A 409 for a request whose first attempt may still be running (its idempotency record has no answer yet). */
const stillRunning = (status: number, body: string) =>
  status === 409 && body.includes('"idempotency_request_in_progress"');

/** The server could not be reached: fetch's own failure (refused, reset, DNS), with its cause's reason. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/**
 * The few calls the CLI makes, over HTTP with an API key: the same path a lab system takes. A server that stops
 * answering — restarted, redeployed — is waited for with backoff (one line says so), and every POST carries an
 * Idempotency-Key, so a request retried after the connection broke is answered once, not run twice.
 */
export class ApiClient {
  private readonly retryForMs: number;
  private readonly onUnavailable: () => void;
  private answered = false;

  constructor(
    readonly baseUrl: string,
    private readonly key: string,
    options: ApiClientOptions = {},
  ) {
    this.retryForMs = options.retryForMs ?? 300_000;
    this.onUnavailable =
      options.onUnavailable ??
      // On a terminal the progress bar's line is cleared first; the bar redraws below once the server is back.
      (() => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}server unavailable, retrying…\n`));
  }

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
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        accept,
        ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        ...(body === undefined ? {} : { 'content-type': contentType ?? 'application/json' }),
      },
      ...(body === undefined ? {} : { body: raw ? (body as string | Uint8Array) : JSON.stringify(body) }),
    };
    const url = new URL(path, this.baseUrl);
    const patience = this.answered ? this.retryForMs : Math.min(this.retryForMs, FIRST_CONTACT_MS);
    const deadline = Date.now() + patience;
    let delay = FIRST_DELAY_MS;
    let told = false;
    for (;;) {
      let reason: string;
      try {
        const res = await fetch(url, init);
        const text = await res.text();
        this.answered = true;
        if (res.ok) return text;
        if (!UNAVAILABLE_STATUSES.has(res.status) && !stillRunning(res.status, text)) {
          throw new ApiRequestError(method, path, res.status, text);
        }
        reason = `${res.status} ${res.statusText}`;
      } catch (err) {
        if (err instanceof ApiRequestError) throw err;
        reason = networkReason(err);
      }
      if (Date.now() + delay > deadline) {
        throw new UnavailableError(
          `the server at ${this.baseUrl} did not answer ${method} ${path} for ${Math.round(patience / 1000)} s (${reason})`,
        );
      }
      if (!told) {
        told = true;
        this.onUnavailable();
      }
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }

  /** Polls the job until it ends, reporting progress; resolves with the final job view. */
  async waitForJob(jobId: string, onProgress: (p: ProgressSnapshot) => void, intervalMs = 250): Promise<JobView> {
    for (;;) {
      const job = await this.request<JobView>('GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
      const p = job.progress ?? {};
      onProgress({ done: p.succeeded ?? 0, failed: p.failed ?? 0, total: p.total ?? 0, running: p.running ?? 0 });
      if (TERMINAL.has(job.status)) return job;
      await sleep(intervalMs);
    }
  }
}

import { createSseParser, type SseEvent } from './lib/sse.js';
import { clearApiKey, getApiKey } from './session.js';
import type { Page } from './types.js';

/** An API answer other than 2xx, with the problem-details `detail` when there is one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called when the key is refused, so the app can go back to sign-in. */
let onUnauthorized = () => {};
export const setUnauthorizedHandler = (handler: () => void) => {
  onUnauthorized = handler;
};

async function request(path: string, init: RequestInit = {}, key = getApiKey()): Promise<Response> {
  const res = await fetch(path, {
    ...init,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), accept: 'application/json', ...init.headers },
  });
  if (res.ok) return res;
  let code = 'http_error';
  let detail = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { code?: string; detail?: string };
    code = body.code ?? code;
    detail = body.detail ?? detail;
  } catch {
    // Not problem+json: the status line says enough.
  }
  if (res.status === 401) {
    clearApiKey();
    onUnauthorized();
  }
  throw new ApiError(res.status, code, detail);
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method: 'POST' };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  return (await (await request(path, init)).json()) as T;
}

/** POSTs a binary body (an image) and reads the JSON answer. */
export async function postBinary<T>(path: string, body: Blob, contentType: string): Promise<T> {
  return (await (await request(path, { method: 'POST', headers: { 'content-type': contentType }, body })).json()) as T;
}

/** POSTs JSON and returns the binary answer (a preview PNG) as an object URL; revoke it when done. */
export async function postForObjectUrl(path: string, body: unknown): Promise<string> {
  const res = await request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'image/png' },
    body: JSON.stringify(body),
  });
  return URL.createObjectURL(await res.blob());
}

/** An authenticated binary (image, CSV) as an object URL the page can show or download; revoke it when done. */
export async function getObjectUrl(path: string): Promise<string> {
  return URL.createObjectURL(await (await request(path, { headers: { accept: '*/*' } })).blob());
}

/** Checks a key before keeping it: any authenticated read will do. */
export async function verifyKey(key: string): Promise<void> {
  await request('/v1/jobs?limit=1', {}, key);
}

/** Every page of a cursor-paginated list. */
export async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await getJson<Page<T>>(
      `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Reads a Server-Sent Events stream with the Authorization header (EventSource cannot send it), reconnecting with
 * Last-Event-ID after a dropped connection until the server ends the stream or `signal` aborts.
 */
export async function streamEvents(path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    try {
      const res = await request(path, {
        signal,
        headers: { accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
      });
      if (res.status === 204 || !res.body) return;
      const parse = createSseParser((e) => {
        if (e.id !== undefined) lastId = e.id;
        onEvent(e);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parse(value);
      }
      if (lastId === 'end') return;
    } catch (err) {
      if (signal.aborted || (err instanceof ApiError && err.status < 500)) throw err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

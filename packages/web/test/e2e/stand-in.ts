import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { localKey, startPlatform } from '../../../cli/src/lib/platform.js';
import type { ImageResult, ImageSet, SegmentBatchEvent } from '../../../shared/src/index.js';

/**
 * The embedded platform in a fresh home (no DATABASE_URL or REDIS_URL: PGlite and the in-memory cache) whose
 * segmenter is `segment`, a stand-in that reads no pixels; closed and removed with the test. Gives a key of
 * `tenant`, a JSON caller with it, and `finish`, which polls a job until it ends and returns its status.
 */
export async function standInPlatform(t: Test, tenant: string, segment: (set: ImageSet) => ImageResult) {
  const home = await mkdtemp(join(tmpdir(), `platescale-${tenant}-`));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const { DATABASE_URL: _d, REDIS_URL: _r, ...env } = process.env;
  const platform = await startPlatform({
    env: { ...env, PLATESCALE_HOME: home, LOG_LEVEL: 'warn' },
    lambdas: {
      SegmenterFunctionArn: async (payload) => ({ results: (payload as SegmentBatchEvent).Items.map(segment) }),
    },
  });
  t.teardown(() => platform.close());
  const key = await localKey(platform, tenant);
  const api = async <T>(path: string, body: unknown, method = 'POST'): Promise<T> => {
    const res = await fetch(new URL(path, platform.url), {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const finish = async (jobId: string): Promise<string> => {
    let status = 'QUEUED';
    while (status === 'QUEUED' || status === 'RUNNING') {
      await new Promise((r) => setTimeout(r, 250));
      ({ status } = await api<{ status: string }>(`/v1/jobs/${jobId}`, undefined, 'GET'));
    }
    return status;
  };
  return { platform, home, key, api, finish };
}

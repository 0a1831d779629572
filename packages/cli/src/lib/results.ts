import type { WellResultView } from '@platescale/api';
import type { ApiClient } from './api-client.js';

/** A well row as the API sends it (its response schema). */
export type WellRow = WellResultView;

/** Every page of a job's results at one level. */
export async function fetchAll<T>(client: ApiClient, jobId: string, level: 'well' | 'image'): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `level=${level}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page: { items: T[]; nextCursor: string | null } = await client.request(
      'GET',
      `/v1/jobs/${encodeURIComponent(jobId)}/results?${query}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

import type { ImageResult } from '@platescale/shared';

/** Step Functions caps a Map child's output at 256 KiB; keep a margin for the ResultWriter envelope. */
export const PAYLOAD_BUDGET_BYTES = 200 * 1024;

const size = (results: ImageResult[]) => Buffer.byteLength(JSON.stringify({ results }));

/**
 * Keeps a batch result under the payload budget. With many channels and a large batch the per-image
 * feature summaries would not fit: medians go first, then the feature map (the full per-object table
 * stays in the object store under `objectsKey`). Count, areas and mean intensities always stay.
 */
export function fitPayload(results: ImageResult[], budget = PAYLOAD_BUDGET_BYTES): ImageResult[] {
  if (size(results) <= budget) return results;
  const withoutMedians = results.map((r) =>
    r.ok && r.features
      ? { ...r, features: Object.fromEntries(Object.entries(r.features).filter(([k]) => !k.startsWith('Median_'))) }
      : r,
  );
  if (size(withoutMedians) <= budget) return withoutMedians;
  return results.map((r) => {
    if (!r.ok || !r.features) return r;
    const { features: _dropped, ...rest } = r;
    return rest;
  });
}

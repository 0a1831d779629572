import type { ImageSet } from '@platescale/shared';

/** Where one image set's per-object table and label mask go under the job's results prefix. */
export function outputKeys(resultsPrefix: string, set: ImageSet): { objectsKey: string; maskKey: string } {
  const base = `${set.plate}/${set.well}/f${set.field}`;
  return {
    objectsKey: `${resultsPrefix}objects/${base}.jsonl.gz`,
    maskKey: `${resultsPrefix}masks/${base}.png`,
  };
}

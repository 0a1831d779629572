import type { ImageFailure, ImageResult, ImageSet, ObjectStore, SegmentBatchResult } from '@platescale/shared';
import { ResultWriterFormatError } from '../errors.js';

/** The ResultWriter manifest, as Step Functions (and the local engine) write it. */
interface ResultWriterManifest {
  DestinationBucket?: string;
  MapRunArn?: string;
  ResultFiles: Partial<Record<'SUCCEEDED' | 'FAILED' | 'PENDING', { Key: string; Size?: number }[]>>;
}

/** One child execution in a SUCCEEDED_n / FAILED_n / PENDING_n file. */
interface ChildExecutionResult {
  ExecutionArn?: string;
  Status?: string;
  /** JSON text on AWS; an object in hand-written or older local output. */
  Input?: string | { Items?: ImageSet[] };
  Output?: string | SegmentBatchResult;
  Error?: string;
  Cause?: string;
}

export interface MapResults {
  mapRunArn: string | undefined;
  results: ImageResult[];
}

function parseJson<T>(key: string, text: string | Buffer): T {
  try {
    return JSON.parse(text.toString()) as T;
  } catch (err) {
    throw new ResultWriterFormatError(key, `not JSON (${(err as Error).message})`);
  }
}

const decode = <T>(key: string, value: string | T | undefined): T | undefined =>
  typeof value === 'string' ? parseJson<T>(key, value) : value;

function itemsOf(key: string, child: ChildExecutionResult): ImageSet[] {
  const items = decode<{ Items?: ImageSet[] }>(key, child.Input)?.Items;
  if (!Array.isArray(items)) throw new ResultWriterFormatError(key, `child ${child.ExecutionArn ?? '?'} has no Items`);
  return items;
}

const failure = (item: ImageSet, type: string, message: string): ImageFailure => ({
  plate: item.plate,
  well: item.well,
  field: item.field,
  ok: false,
  error: { type, message },
});

const idOf = (r: { plate: string; well: string; field: number }) => `${r.plate}\u0000${r.well}\u0000${r.field}`;

/** A successful child's results, one per item; an item the segmenter did not answer for is a failure. */
function succeededItems(key: string, child: ChildExecutionResult): ImageResult[] {
  const output = decode<SegmentBatchResult>(key, child.Output);
  if (!output || !Array.isArray(output.results)) {
    throw new ResultWriterFormatError(key, `child ${child.ExecutionArn ?? '?'} output has no results array`);
  }
  const answered = new Set(output.results.map(idOf));
  const missing = itemsOf(key, child).filter((item) => !answered.has(idOf(item)));
  return [
    ...output.results,
    ...missing.map((item) => failure(item, 'MissingResult', 'the segmenter returned no result for this image set')),
  ];
}

/** The Map's results as they are read: one ResultWriter file at a time, never the whole job. */
export interface MapResultStream {
  mapRunArn: string | undefined;
  /** One array per child execution: the results of its items, in file order. */
  children(): AsyncGenerator<ImageResult[]>;
}

/**
 * Opens a Distributed Map's ResultWriter output (manifest.json + SUCCEEDED_n / FAILED_n / PENDING_n files). Files
 * are fetched and parsed one at a time as `children()` is iterated, so memory holds one file, not the job. Items
 * of FAILED children failed with the child's error; PENDING ones never ran.
 */
export async function openMapResults(
  objects: ObjectStore,
  details: { Bucket: string; Key: string },
): Promise<MapResultStream> {
  const store = objects.withBucket(details.Bucket);
  const manifest = parseJson<ResultWriterManifest>(details.Key, await store.get(details.Key));
  if (!manifest || typeof manifest.ResultFiles !== 'object') {
    throw new ResultWriterFormatError(details.Key, 'no ResultFiles');
  }
  const bucket = objects.withBucket(manifest.DestinationBucket ?? details.Bucket);
  async function* children(): AsyncGenerator<ImageResult[]> {
    for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
      for (const file of manifest.ResultFiles[status] ?? []) {
        const entries = parseJson<ChildExecutionResult[]>(file.Key, await bucket.get(file.Key));
        if (!Array.isArray(entries)) throw new ResultWriterFormatError(file.Key, 'not an array of executions');
        for (const child of entries) {
          if (status === 'SUCCEEDED') {
            yield succeededItems(file.Key, child);
            continue;
          }
          // Every item of a child that did not succeed failed with the child's error; PENDING ones never ran.
          const type = child.Error ?? (status === 'PENDING' ? 'NotRun' : 'ChildExecutionFailed');
          yield itemsOf(file.Key, child).map((item) => failure(item, type, child.Cause ?? type));
        }
      }
    }
  }
  return { mapRunArn: manifest.MapRunArn, children };
}

/** Every result of the Map in one array: for tests and small jobs; the aggregator streams through openMapResults. */
export async function readMapResults(
  objects: ObjectStore,
  details: { Bucket: string; Key: string },
): Promise<MapResults> {
  const stream = await openMapResults(objects, details);
  const results: ImageResult[] = [];
  for await (const child of stream.children()) results.push(...child);
  return { mapRunArn: stream.mapRunArn, results };
}

import type { ObjectStore } from '@platescale/shared';
import { ObjectNotFoundError } from '@platescale/shared';
import { S3_LIST_OBJECTS_V2 } from '../asl/definition.js';
import type { PathScope } from '../asl/intrinsics.js';
import { readPath } from '../asl/jsonpath.js';
import { evaluateTemplate } from '../asl/payload.js';
import type { ItemReaderDef } from '../asl/types.js';
import { States, StatesError } from '../errors.js';
import { parseCsv } from './csv.js';
import { parseJsonArrayElements, parseJsonLines } from './json-array.js';

const DELIMITERS = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' } as const;

/** Reads the Map's items through ItemReader, as Step Functions does (errors → States.ItemReaderFailed). */
export async function readItems(reader: ItemReaderDef, objects: ObjectStore, scope: PathScope): Promise<unknown[]> {
  const params = evaluateTemplate(reader.Parameters ?? {}, scope) as {
    Bucket?: unknown;
    Key?: unknown;
    Prefix?: unknown;
  };
  const cfg = reader.ReaderConfig ?? {};
  const maxItemsValue = cfg.MaxItemsPath ? readPath(scope.input, cfg.MaxItemsPath) : cfg.MaxItems;
  const maxItems = typeof maxItemsValue === 'number' && maxItemsValue > 0 ? maxItemsValue : Number.POSITIVE_INFINITY;
  if (typeof params.Bucket !== 'string')
    throw new StatesError(States.ItemReaderFailed, 'ItemReader Parameters.Bucket must be a string');
  try {
    const store = objects.withBucket(params.Bucket);
    if (reader.Resource === S3_LIST_OBJECTS_V2)
      return await listItems(store, typeof params.Prefix === 'string' ? params.Prefix : '', maxItems);
    if (typeof params.Key !== 'string')
      throw new StatesError(States.ItemReaderFailed, 'ItemReader Parameters.Key must be a string');
    const body = await store.get(params.Key);
    let items: unknown[];
    if (cfg.InputType === 'JSON') {
      const parsed = parseJsonArrayElements(body);
      if (!parsed)
        throw new StatesError(States.ItemReaderFailed, `The object '${params.Key}' does not contain a JSON array`);
      items = parsed;
    } else if (cfg.InputType === 'JSONL') {
      items = parseJsonLines(body);
    } else {
      const rows = parseCsv(body.toString('utf8'), DELIMITERS[cfg.CSVDelimiter ?? 'COMMA']);
      const headers = cfg.CSVHeaderLocation === 'GIVEN' ? cfg.CSVHeaders! : (rows.shift() ?? []);
      items = rows.map((row) => {
        if (row.length > headers.length) {
          throw new StatesError(
            States.ItemReaderFailed,
            `CSV row has ${row.length} fields but there are ${headers.length} headers`,
          );
        }
        return Object.fromEntries(headers.map((h, i) => [h, row[i] ?? '']));
      });
    }
    if (items.length > maxItems) items.length = maxItems;
    return items;
  } catch (err) {
    if (err instanceof StatesError) throw err;
    if (err instanceof ObjectNotFoundError)
      throw new StatesError(States.ItemReaderFailed, `S3 object not found: ${String(params.Key)}`);
    throw new StatesError(States.ItemReaderFailed, (err as Error).message);
  }
}

/** s3:listObjectsV2: every key under the prefix, across pages, shaped as Step Functions passes them to children. */
async function listItems(store: ObjectStore, prefix: string, maxItems: number): Promise<unknown[]> {
  const items: unknown[] = [];
  let token: string | undefined;
  do {
    const page = await store.list(prefix, token ? { continuationToken: token, maxKeys: 1000 } : { maxKeys: 1000 });
    for (const o of page.objects) {
      if (items.length >= maxItems) return items;
      items.push({
        Etag: o.etag,
        Key: o.key,
        LastModified: Math.floor(o.lastModified.getTime() / 1000),
        Size: o.size,
        StorageClass: 'STANDARD',
      });
    }
    token = page.nextContinuationToken;
  } while (token);
  return items;
}

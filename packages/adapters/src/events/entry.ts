import type { EventToPublish } from '@platescale/shared';
import { EventTooLargeError } from '../errors.js';

/** EventBridge's limit on one PutEvents entry, and on the sum of the entries of one request. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** EventBridge's limit on entries per PutEvents request. */
export const MAX_ENTRIES_PER_REQUEST = 10;

export interface SizedEntry {
  event: EventToPublish;
  detailJson: string;
  bytes: number;
}

/**
 * Serialises the detail and sizes the entry the way EventBridge does (Time 14 bytes, UTF-8 bytes of Source,
 * DetailType, Detail and each resource). Both buses enforce the limit, so an event too large for AWS
 * fails embedded too instead of only in production.
 */
export function sizeEntry(event: EventToPublish): SizedEntry {
  const detailJson = JSON.stringify(event.detail ?? {});
  const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');
  const bytes =
    14 +
    utf8(event.source) +
    utf8(event.detailType) +
    utf8(detailJson) +
    (event.resources ?? []).reduce((n, r) => n + utf8(r), 0);
  if (bytes > MAX_ENTRY_BYTES) throw new EventTooLargeError(event.detailType, bytes, MAX_ENTRY_BYTES);
  return { event, detailJson, bytes };
}

/** Splits entries into PutEvents requests of at most 10 entries and 256 KB in total, keeping their order. */
export function batchEntries(entries: SizedEntry[]): SizedEntry[][] {
  const batches: SizedEntry[][] = [];
  let current: SizedEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (current.length === MAX_ENTRIES_PER_REQUEST || bytes + entry.bytes > MAX_ENTRY_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += entry.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

import { byteLength, PAYLOAD_LIMIT_BYTES } from '../asl/payload.js';

export interface BatchLimits {
  maxItems: number;
  maxBytes: number;
}

/**
 * Splits items into consecutive batches of at most `maxItems` items whose JSON (with the BatchInput) stays
 * within `maxBytes`; an item larger than the byte limit still forms a batch of its own (and its child then
 * fails with States.DataLimitExceeded, as on AWS).
 */
export function batchItems(items: unknown[], limits: BatchLimits, batchInput: unknown): unknown[][] {
  const batches: unknown[][] = [];
  const base = batchInput === undefined ? 0 : byteLength(batchInput);
  const checkBytes = limits.maxBytes < PAYLOAD_LIMIT_BYTES || base > 0;
  let current: unknown[] = [];
  let bytes = base;
  for (const item of items) {
    const size = checkBytes ? byteLength(item) + 1 : 0;
    if (current.length > 0 && (current.length >= limits.maxItems || (checkBytes && bytes + size > limits.maxBytes))) {
      batches.push(current);
      current = [];
      bytes = base;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

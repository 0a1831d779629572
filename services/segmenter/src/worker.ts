import { createObjectStore } from '@platescale/adapters';
import { loadConfig, type SegmentBatchEvent, type SegmentBatchResult } from '@platescale/shared';
import { createSegmentHandler } from './handler.js';

// Module scope = once per worker thread, like a warm Lambda container: the store, and (inside the handler's
// model cache) the ONNX sessions, are reused by every batch this worker runs.
const handler = createSegmentHandler({ objects: createObjectStore(loadConfig()) });

/** The piscina task: one SegmentBatchEvent in, one SegmentBatchResult out. */
export default function segmentBatch(event: SegmentBatchEvent): Promise<SegmentBatchResult> {
  return handler(event);
}

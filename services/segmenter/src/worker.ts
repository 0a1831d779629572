import { createObjectStore } from '@platescale/adapters';
import { loadConfig, type SegmentBatchEvent, type SegmentBatchResult } from '@platescale/shared';
import { createSegmentHandler } from './handler.js';

// Module scope = once per worker thread, like a warm Lambda container: the store, and (inside the handler's
// model cache) the ONNX sessions, are reused by every batch this worker runs.
const config = loadConfig();
const handler = createSegmentHandler({
  objects: createObjectStore(config),
  options: { maxPixels: config.SEGMENTER_MAX_PIXELS },
});

/** The piscina task: one SegmentBatchEvent in, one SegmentBatchResult out. */
export default function segmentBatch(event: SegmentBatchEvent): Promise<SegmentBatchResult> {
  return handler(event);
}

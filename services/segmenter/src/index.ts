/**
 * @platescale/segmenter — the edge that runs the segmentation core (@platescale/segmentation) on a
 * Distributed Map batch: `createSegmentHandler` (the Lambda logic), `segmenterWorkerUrl` (the piscina worker
 * module, default export = one batch), `src/lambda.ts` (`handler`, the AWS entry).
 */

export {
  createSegmentHandler,
  DEFAULT_SEGMENT_HANDLER_OPTIONS,
  type SegmentHandlerDeps,
  type SegmentHandlerOptions,
} from './handler.js';
export { fitPayload, PAYLOAD_BUDGET_BYTES } from './payload.js';

/** The module a piscina pool loads (default export: SegmentBatchEvent → SegmentBatchResult). */
export const segmenterWorkerUrl = new URL('./worker.ts', import.meta.url);

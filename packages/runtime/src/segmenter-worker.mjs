// The piscina worker entry. Loader hooks registered in the main thread do not reach worker threads on Node 20,
// so the worker registers tsx itself before loading the segmenter's TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
const { segmenterWorkerUrl } = await import('@platescale/segmenter');
const worker = await import(segmenterWorkerUrl.href);

export default worker.default;

// The compute pool's worker entry. Loader hooks registered in the main thread do not reach worker threads on
// Node 20, so the worker registers tsx itself before loading the trainer's TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
const { computeWorkerUrl } = await import('@platescale/trainer');
const worker = await import(computeWorkerUrl.href);

export default worker.default;

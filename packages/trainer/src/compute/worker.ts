import { TrainerError, type TrainerErrorData, toErrorData } from '../errors.js';
import { asBuffer, previewFromFiles, trainFromFiles } from './in-process.js';
import type { PreviewRequest, TrainingFiles, TrainingOptions } from './port.js';

export type ComputeTask =
  | { op: 'train'; images: TrainingFiles[]; options: TrainingOptions }
  | { op: 'preview'; request: PreviewRequest };

export type ComputeReply = { ok: true; value: unknown } | { ok: false; error: TrainerErrorData };

/** The compute pool's worker: one task, the in-process code path; the trainer's own errors come back as data. */
export default async function runTask(task: ComputeTask): Promise<ComputeReply> {
  try {
    if (task.op === 'train') {
      const images = task.images.map((i) => ({ channels: i.channels.map(asBuffer), labels: asBuffer(i.labels) }));
      return { ok: true, value: await trainFromFiles(images, task.options) };
    }
    return { ok: true, value: await previewFromFiles({ ...task.request, files: task.request.files.map(asBuffer) }) };
  } catch (err) {
    if (err instanceof TrainerError) return { ok: false, error: toErrorData(err) };
    throw err;
  }
}

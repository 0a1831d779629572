import type { ImageFile } from '../images.js';
import type { TrainingSpec } from '../service.js';
import type { TrainingResult } from '../train.js';

/** Training images as files: one per channel (in the spec's channel order) plus the label image. */
export interface TrainingFiles {
  channels: ImageFile[];
  labels: ImageFile;
}

export type TrainingOptions = Omit<TrainingSpec, 'images' | 'name'>;

export interface PreviewRequest {
  model: Uint8Array;
  files: ImageFile[];
  channels: number;
  kind: 'probability' | 'mask';
  foreground: number;
}

/**
 * The CPU-heavy half of the model service: decode, filter bank, fit, encode; or run a model for a preview PNG.
 * In process for the CLI and scripts; on a worker thread in the API, whose event loop must keep answering
 * (onnxruntime-node runs a session on the calling thread).
 */
export interface TrainerCompute {
  train(images: TrainingFiles[], options: TrainingOptions): Promise<{ bytes: Uint8Array; result: TrainingResult }>;
  preview(request: PreviewRequest): Promise<Buffer>;
  close(): Promise<void>;
}

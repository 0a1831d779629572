import type { ModelRow } from '@platescale/trainer';
import type { ModelView } from './schemas.js';

/** A registry row as the API shows it, with the links a client follows. */
export function toView(row: ModelRow): ModelView {
  const self = `/v1/models/${row.id}`;
  return {
    modelId: row.id,
    name: row.name,
    version: row.version,
    sha256: row.sha256,
    objectKey: row.objectKey,
    sizeBytes: row.sizeBytes,
    classes: row.classes,
    channels: row.channels,
    foregroundClass: row.foregroundClass,
    architecture: { ...row.architecture, normalization: row.architecture.normalization ?? 'none' },
    trainingImages: row.trainingImages,
    labelCounts: row.labelCounts,
    metrics: row.metrics,
    createdAt: row.createdAt.toISOString(),
    links: { self, preview: `${self}/preview`, file: `${self}/file` },
  };
}

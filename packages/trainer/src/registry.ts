import { createHash, randomBytes } from 'node:crypto';
import { type Db, tables } from '@platescale/db';
import { ConflictError, NotFoundError, type ObjectStore } from '@platescale/shared';
import { and, asc, eq, gt, max } from 'drizzle-orm';
import type { TrainingResult } from './train.js';

const { models } = tables;
export type ModelRow = typeof models.$inferSelect;

export interface RegisterModel {
  name: string;
  bytes: Uint8Array;
  result: TrainingResult;
  /** Object keys or file names of the training images (channels joined by '+'). */
  trainingImages: string[];
}

/** Sortable by creation (the list pages over it) and unguessable. */
function newModelId(): string {
  return `mdl_${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/** Where a model's bytes live: per tenant, named by content, so a key never changes meaning. */
export function modelObjectKey(tenantId: string, sha256: string): string {
  return `models/${tenantId}/${sha256}.onnx`;
}

export interface ModelRegistry {
  /** Stores the file (content-addressed) and a new immutable row: version = the name's last version + 1. */
  register(tenantId: string, model: RegisterModel): Promise<ModelRow>;
  get(tenantId: string, id: string): Promise<ModelRow>;
  /** Rows in creation order after the id `after`; `limit + 1` are fetched by callers that page. */
  list(tenantId: string, opts: { limit: number; after?: string | undefined }): Promise<ModelRow[]>;
  /** The model's ONNX bytes (throws ObjectNotFoundError if the object store lost them). */
  bytes(row: ModelRow): Promise<Buffer>;
}

export function createModelRegistry(deps: { db: Db; objects: ObjectStore }): ModelRegistry {
  const { db, objects } = deps;
  return {
    async register(tenantId, model) {
      const sha256 = createHash('sha256').update(model.bytes).digest('hex');
      const objectKey = modelObjectKey(tenantId, sha256);
      if (!(await objects.head(objectKey))) {
        await objects.put(objectKey, model.bytes, { contentType: 'application/octet-stream' });
      }
      const { result } = model;
      // Two trainings of one name at once race for the same version; the unique index lets one win, the other retries.
      for (let attempt = 0; attempt < 5; attempt++) {
        const [last] = await db
          .select({ version: max(models.version) })
          .from(models)
          .where(and(eq(models.tenantId, tenantId), eq(models.name, model.name)));
        const version = (last?.version ?? 0) + 1;
        const inserted = await db
          .insert(models)
          .values({
            id: newModelId(),
            tenantId,
            name: model.name,
            version,
            sha256,
            objectKey,
            sizeBytes: model.bytes.byteLength,
            classes: result.classes,
            channels: result.channels,
            foregroundClass: result.foregroundClass,
            architecture: result.architecture,
            trainingImages: model.trainingImages,
            labelCounts: result.labelCounts,
            metrics: result.metrics,
          })
          .onConflictDoNothing()
          .returning();
        if (inserted[0]) return inserted[0];
      }
      throw new ConflictError(
        `model '${model.name}' is being registered concurrently; retry`,
        'model_version_conflict',
      );
    },

    async get(tenantId, id) {
      const [row] = await db
        .select()
        .from(models)
        .where(and(eq(models.tenantId, tenantId), eq(models.id, id)));
      if (!row) throw new NotFoundError('Model', id);
      return row;
    },

    list(tenantId, { limit, after }) {
      return db
        .select()
        .from(models)
        .where(and(eq(models.tenantId, tenantId), after === undefined ? undefined : gt(models.id, after)))
        .orderBy(asc(models.id))
        .limit(limit);
    },

    bytes(row) {
      return objects.get(row.objectKey);
    },
  };
}

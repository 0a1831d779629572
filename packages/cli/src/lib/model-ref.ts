import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createObjectStore } from '@platescale/adapters';
import { openConfiguredDatabase, tables } from '@platescale/db';
import { DEFAULT_MODEL_PATH, type ModelCache, type SegmentationModel } from '@platescale/segmentation';
import { loadConfig, ValidationError } from '@platescale/shared';
import { eq } from 'drizzle-orm';

/**
 * `--model`: 'default' (or nothing), an .onnx file, an object key in the configured store, or the id of a model
 * registered through POST /v1/models — the same model a job with that `modelId` runs.
 */
export async function loadModelRef(ref: string | undefined, cache: ModelCache): Promise<SegmentationModel> {
  if (!ref || ref === 'default') return cache.fromFile(DEFAULT_MODEL_PATH);
  if (existsSync(resolve(ref))) return cache.fromFile(resolve(ref));
  const config = loadConfig();
  const objects = createObjectStore(config);
  if (await objects.head(ref)) return cache.get(objects, ref);
  const database = await openConfiguredDatabase(config);
  try {
    const [row] = await database.db
      .select({ objectKey: tables.models.objectKey })
      .from(tables.models)
      .where(eq(tables.models.id, ref));
    if (!row) {
      throw new ValidationError(
        `--model '${ref}' is not a file, an object key or a registered model id (database ${config.adapters.database})`,
        'model',
      );
    }
    return await cache.get(objects, row.objectKey);
  } finally {
    await database.close();
  }
}

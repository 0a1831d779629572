import { type Db, tables } from '@platescale/db';
import { type ImageSet, NotFoundError, type ObjectStore } from '@platescale/shared';
import { and, eq } from 'drizzle-orm';
import type { JobRow } from '../../services/jobs.js';

const { imageResults } = tables;

/** Manifests of recently viewed jobs: a drill-down asks for the same job's fields again and again. */
const MANIFESTS_KEPT = 16;

export interface FieldRef {
  plate: string;
  well: string;
  field: number;
}

const fieldName = (f: FieldRef) => `${f.plate}/${f.well}/f${f.field}`;

/**
 * Finds a job's field outputs (mask, objects) and raw channel images (from the job's manifest.json). A channel key
 * that is not the job's tenant's (a job of an experiment stored before prefixes were confined) is as missing.
 */
export function createFieldLocator(deps: {
  db: Db;
  objects: ObjectStore;
  owns: (tenantId: string, key: string) => boolean;
}) {
  const manifests = new Map<string, Promise<ImageSet[]>>();

  function manifest(job: JobRow): Promise<ImageSet[]> {
    let sets = manifests.get(job.id);
    if (!sets) {
      sets = deps.objects.get(`${job.resultsPrefix}manifest.json`).then((b) => JSON.parse(b.toString('utf8')));
      sets.catch(() => manifests.delete(job.id));
      manifests.set(job.id, sets);
      if (manifests.size > MANIFESTS_KEPT) manifests.delete(manifests.keys().next().value!);
    }
    return sets;
  }

  return {
    /** The object key of one channel image of a field, as the job read it. */
    async channelKey(job: JobRow, ref: FieldRef, channel: string): Promise<string> {
      const set = (await manifest(job)).find(
        (s) => s.plate === ref.plate && s.well === ref.well && s.field === ref.field,
      );
      if (!set) throw new NotFoundError('Field', fieldName(ref));
      const key = set.images[channel];
      if (!key || !deps.owns(job.tenantId, key)) throw new NotFoundError('Channel', `${fieldName(ref)} ${channel}`);
      return key;
    },

    /** The segmenter's outputs of a field; NotFound when the field failed or wrote none. */
    async outputs(job: JobRow, ref: FieldRef): Promise<{ maskKey: string; objectsKey: string }> {
      const [row] = await deps.db
        .select({ maskKey: imageResults.maskKey, objectsKey: imageResults.objectsKey })
        .from(imageResults)
        .where(
          and(
            eq(imageResults.jobId, job.id),
            eq(imageResults.plate, ref.plate),
            eq(imageResults.well, ref.well),
            eq(imageResults.field, ref.field),
          ),
        );
      if (!row?.maskKey || !row.objectsKey) throw new NotFoundError('Field result', fieldName(ref));
      return { maskKey: row.maskKey, objectsKey: row.objectsKey };
    },
  };
}

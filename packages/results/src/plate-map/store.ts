import { type Db, tables } from '@platescale/db';
import { and, eq } from 'drizzle-orm';
import type { PlateMapEntry } from './parse.js';

const { plateMapWells } = tables;

export interface ExperimentRef {
  tenantId?: string;
  experimentId: string;
}

/** Replaces the experiment's plate map (one transaction: readers see the old map or the new one). */
export async function savePlateMap(db: Db, ref: ExperimentRef, entries: PlateMapEntry[]): Promise<number> {
  const tenantId = ref.tenantId ?? 'default';
  await db.transaction(async (tx) => {
    await tx
      .delete(plateMapWells)
      .where(and(eq(plateMapWells.tenantId, tenantId), eq(plateMapWells.experimentId, ref.experimentId)));
    for (let i = 0; i < entries.length; i += 1000) {
      await tx
        .insert(plateMapWells)
        .values(entries.slice(i, i + 1000).map((e) => ({ ...e, tenantId, experimentId: ref.experimentId })));
    }
  });
  return entries.length;
}

export async function loadPlateMap(db: Db, ref: ExperimentRef): Promise<PlateMapEntry[]> {
  const rows = await db
    .select()
    .from(plateMapWells)
    .where(and(eq(plateMapWells.tenantId, ref.tenantId ?? 'default'), eq(plateMapWells.experimentId, ref.experimentId)))
    .orderBy(plateMapWells.plate, plateMapWells.well);
  return rows.map(({ plate, well, treatment, dose, unit, role, metadata }) => ({
    plate,
    well,
    treatment,
    dose,
    unit,
    role,
    metadata,
  }));
}

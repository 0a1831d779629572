import type { Db } from '@platescale/db';
import { loadPlateMap, parsePlateMap, savePlateMap } from '@platescale/results';
import { NotFoundError } from '@platescale/shared';
import type { PlateMapView } from '../schemas/plate-maps.js';
import type { ExperimentService } from './experiments.js';

/** An experiment's plate map: replaced whole by an upload, read back as stored. Tenancy via the experiment. */
export function createPlateMapService(deps: { db: Db; experiments: ExperimentService }) {
  const { db, experiments } = deps;
  return {
    /** Validates against the experiment's plate format (PlateMapValidationError → 400) and replaces the map. */
    async put(tenantId: string, experimentId: string, body: unknown, format: 'csv' | 'json') {
      const { plateFormat } = await experiments.get(tenantId, experimentId);
      const entries = parsePlateMap(body, { format, plateFormat });
      return { experimentId, count: await savePlateMap(db, { tenantId, experimentId }, entries) };
    },

    async get(tenantId: string, experimentId: string): Promise<PlateMapView> {
      await experiments.get(tenantId, experimentId);
      const wells = await loadPlateMap(db, { tenantId, experimentId });
      if (wells.length === 0) throw new NotFoundError('Plate map', experimentId);
      return { experimentId, count: wells.length, wells };
    },
  };
}

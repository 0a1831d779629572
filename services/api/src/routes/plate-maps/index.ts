import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principalOf } from '../../plugins/auth.js';
import { IdParams, problems, Ref } from '../../schemas/common.js';
import { PlateMap, PlateMapBody, PlateMapSaved } from '../../schemas/plate-maps.js';
import { createPlateMapService } from '../../services/plate-maps.js';
import { jsonOrCsv, prefersCsv, sendCsv } from '../csv.js';

/** `/v1/experiments/{id}/plate-map`: what each well holds (treatment, dose, role), as JSON rows or CSV. */
export const plateMapRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { experiments, deps } = app.platescale;
  const plateMaps = createPlateMapService({ db: deps.db.db, experiments });
  // Scoped to this plugin: the plate-map parser reads the CSV itself (and names every bad well at once).
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.put(
    '/:id/plate-map',
    {
      config: { scope: 'jobs:write' },
      schema: {
        operationId: 'putPlateMap',
        tags: ['experiments'],
        summary: "Upload (replace) an experiment's plate map",
        description:
          'Every well once, on the plate format of the experiment. Unknown, duplicate and out-of-format wells are refused in one 400 that names them. Jobs read the map when they aggregate.',
        params: IdParams,
        body: PlateMapBody,
        response: { 200: { description: 'Saved', ...PlateMapSaved }, ...problems(400, 401, 403, 404, 415) },
      },
    },
    async (request) => {
      // The text/csv parser hands over the text; the JSON body (an array, by its schema) arrives parsed.
      const format = typeof request.body === 'string' ? 'csv' : 'json';
      return plateMaps.put(principalOf(request).tenantId, request.params.id, request.body, format);
    },
  );

  app.get(
    '/:id/plate-map',
    {
      config: { scope: 'jobs:read' },
      schema: {
        operationId: 'getPlateMap',
        tags: ['experiments'],
        summary: "Read an experiment's plate map",
        description: 'JSON, or with `Accept: text/csv` the CSV an upload takes (metadata as plain columns).',
        params: IdParams,
        response: { 200: jsonOrCsv('The plate map', Ref(PlateMap)), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const map = await plateMaps.get(principalOf(request).tenantId, request.params.id);
      if (!prefersCsv(request.headers.accept)) return map;
      const rows = map.wells.map(({ metadata, ...w }) => ({ ...w, ...metadata }));
      return sendCsv(reply, `${map.experimentId}_plate-map`, rows);
    },
  );
};

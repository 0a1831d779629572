import { type Db, tables } from '@platescale/db';
import {
  type ExperimentSpec,
  NotFoundError,
  normalizeWell,
  type PlateFormat,
  ValidationError,
  wellFitsPlate,
} from '@platescale/shared';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { ExperimentInput, ExperimentView } from '../schemas/experiments.js';
import type { SafeCache } from './cached.js';
import { decodeCursor, paginate } from './cursor.js';
import type { ObjectScope } from './object-scope.js';

const { experiments } = tables;
type Row = typeof experiments.$inferSelect;

const cacheKey = (tenantId: string, id: string) => `experiment:${tenantId}:${id}`;

function toView(row: Row): ExperimentView {
  return {
    experimentId: row.id,
    plateFormat: row.plateFormat as PlateFormat,
    imagePrefix: row.imagePrefix,
    naming: row.naming,
    channels: row.channels,
    manifest: row.manifest ?? null,
    objectDiameter: row.objectDiameter,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toSpec(view: ExperimentView): ExperimentSpec {
  return {
    experimentId: view.experimentId,
    plateFormat: view.plateFormat,
    imagePrefix: view.imagePrefix,
    channels: view.channels,
    naming: view.naming,
    ...(view.manifest ? { manifest: view.manifest } : {}),
  };
}

function hasDotSegment(key: string): boolean {
  return key.split('/').some((s) => s === '..' || s === '.');
}

/** Checks the spec beyond its JSON schema and returns it normalised (prefix ends with '/', wells canonical). */
export function normalizeExperiment(input: ExperimentInput): ExperimentInput {
  let prefix = input.imagePrefix.replace(/^\/+/, '');
  if (!prefix.endsWith('/')) prefix += '/';
  if (hasDotSegment(prefix) || prefix.includes('//')) {
    throw new ValidationError(
      `imagePrefix '${input.imagePrefix}' must not contain '.', '..' or empty segments`,
      'imagePrefix',
    );
  }
  if (new Set(input.channels).size !== input.channels.length) {
    throw new ValidationError('channel names must be unique', 'channels');
  }
  if (input.naming === 'manifest' && !input.manifest?.length) {
    throw new ValidationError("naming 'manifest' needs a non-empty manifest", 'manifest');
  }
  const manifest = input.manifest?.map((set, i) => {
    let well: string;
    try {
      well = normalizeWell(set.well);
    } catch {
      throw new ValidationError(`'${set.well}' is not a well id`, `manifest[${i}].well`);
    }
    if (!wellFitsPlate(well, input.plateFormat)) {
      throw new ValidationError(`well ${well} is not on a ${input.plateFormat}-well plate`, `manifest[${i}].well`);
    }
    for (const [channel, key] of Object.entries(set.images)) {
      const field = `manifest[${i}].images.${channel}`;
      if (!input.channels.includes(channel)) {
        throw new ValidationError(`channel '${channel}' is not one of the experiment's channels`, field);
      }
      if (!key.startsWith(prefix) || hasDotSegment(key)) {
        throw new ValidationError(`image key '${key}' is outside the experiment's imagePrefix '${prefix}'`, field);
      }
    }
    return { ...set, well };
  });
  return { ...input, imagePrefix: prefix, ...(manifest ? { manifest } : {}) };
}

export function createExperimentService(deps: {
  db: Db;
  cache: SafeCache;
  ttlSeconds: number;
  objectScope: ObjectScope;
}) {
  const { db, cache, ttlSeconds, objectScope } = deps;

  return {
    /** The imagePrefix must be the tenant's (its manifest keys lie under it); existing images are not required. */
    async upsert(tenantId: string, input: ExperimentInput): Promise<{ experiment: ExperimentView; created: boolean }> {
      const spec = normalizeExperiment(input);
      objectScope.assertPrefix(tenantId, spec.imagePrefix, 'imagePrefix');
      const values = {
        plateFormat: spec.plateFormat,
        imagePrefix: spec.imagePrefix,
        naming: spec.naming,
        channels: spec.channels,
        manifest: spec.manifest ?? null,
        objectDiameter: spec.objectDiameter ?? null,
      };
      const [row] = await db
        .insert(experiments)
        .values({ tenantId, id: spec.experimentId, ...values })
        .onConflictDoUpdate({
          target: [experiments.tenantId, experiments.id],
          set: { ...values, version: sql`${experiments.version} + 1`, updatedAt: sql`now()` },
        })
        .returning();
      await cache.invalidate(cacheKey(tenantId, spec.experimentId));
      return { experiment: toView(row!), created: row!.version === 1 };
    },

    /** Read-through the cache; throws NotFoundError (404) for unknown ids and for other tenants' ids alike. */
    async get(tenantId: string, id: string): Promise<ExperimentView> {
      const view = await cache.readThrough(cacheKey(tenantId, id), ttlSeconds, async () => {
        const [row] = await db
          .select()
          .from(experiments)
          .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id)));
        return row ? toView(row) : null;
      });
      if (!view) throw new NotFoundError('Experiment', id);
      return view;
    },

    async list(tenantId: string, page: { limit: number; cursor?: string | undefined }) {
      const after = decodeCursor(page.cursor, 1);
      const rows = await db
        .select()
        .from(experiments)
        .where(and(eq(experiments.tenantId, tenantId), after ? gt(experiments.id, String(after[0])) : undefined))
        .orderBy(asc(experiments.id))
        .limit(page.limit + 1);
      const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
      return { items: items.map(toView), nextCursor };
    },
  };
}

export type ExperimentService = ReturnType<typeof createExperimentService>;

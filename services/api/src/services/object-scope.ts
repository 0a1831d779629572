import { isTenantKey, type ObjectInfo, type ObjectStore, tenantPrefixes } from '@platescale/shared';
import { ForeignPrefixError, UnknownObjectError } from '../errors.js';

/**
 * The one place that decides whether a request may name an object key or prefix: only inside the caller's tenant's
 * folders (`isTenantKey`, packages/shared/src/domain/tenancy.ts). Every route that takes a key or a prefix, and the
 * workflow input a job starts with, go through it.
 */
export function createObjectScope(objects: ObjectStore) {
  return {
    /**
     * A prefix (an experiment's imagePrefix): refused unless it is the tenant's. Decided by its name only — its
     * images may arrive later — so another tenant's prefix is refused alike whether it holds objects or not.
     */
    assertPrefix(tenantId: string, prefix: string, field: string): void {
      if (!isTenantKey(tenantId, prefix)) throw new ForeignPrefixError(prefix, field, tenantPrefixes(tenantId));
    },

    /** A key that must name an existing object (a model, a training or preview image) of the tenant. */
    async object(tenantId: string, key: string, field: string): Promise<ObjectInfo> {
      const info = isTenantKey(tenantId, key) ? await objects.head(key) : undefined;
      if (!info) throw new UnknownObjectError(key, field, tenantPrefixes(tenantId));
      return info;
    },

    /** A key read on the tenant's behalf that it did not name (a job's manifest entry): is it the tenant's? */
    owns(tenantId: string, key: string): boolean {
      return isTenantKey(tenantId, key);
    },
  };
}

export type ObjectScope = ReturnType<typeof createObjectScope>;

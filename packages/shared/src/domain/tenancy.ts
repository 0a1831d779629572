/**
 * Which object keys belong to which tenant. The bucket is shared; every tenant owns one folder in each of these
 * namespaces, and a key or prefix that a request names must lie in one of its own folders:
 *
 * - `tenants/<tenant>/` — images its lab systems write straight to the bucket (each system's credentials are
 *   granted this prefix only; docs/deploy.md, "Tenant storage");
 * - `uploads/<tenant>/` — images sent through `POST /v1/uploads`;
 * - `models/<tenant>/` — models the trainer registered;
 * - `training/<tenant>/` — the files of training forms.
 *
 * Job outputs (`jobs/<jobId>/`) are reached through the job's id, never named by key.
 */
export const TENANT_NAMESPACES = ['tenants', 'uploads', 'models', 'training'] as const;

/** Where a tenant's lab systems write their images (an experiment's imagePrefix lies under it). */
export const tenantImageRoot = (tenantId: string) => `tenants/${tenantId}/`;

/** Every key prefix the tenant owns, each ending with '/'. */
export const tenantPrefixes = (tenantId: string): string[] => TENANT_NAMESPACES.map((ns) => `${ns}/${tenantId}/`);

/**
 * A key (or a prefix, ending with '/') that can only mean one object: relative, no `.`/`..` or empty segments
 * (an object store that maps keys to paths would resolve them elsewhere), no NUL or backslash.
 */
function wellFormed(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || /[\0\\]/.test(key)) return false;
  const segments = key.split('/');
  if (key.endsWith('/')) segments.pop();
  return segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Whether `key` (an object key, or a prefix ending with '/') lies inside one of the tenant's folders. */
export function isTenantKey(tenantId: string, key: string): boolean {
  return wellFormed(key) && tenantPrefixes(tenantId).some((prefix) => key.startsWith(prefix));
}

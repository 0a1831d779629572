import { createHash, randomBytes } from 'node:crypto';
import { type Database, type Db, openConfiguredDatabase, tables } from '@platescale/db';
import { type Config, ValidationError } from '@platescale/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { newId } from '../services/ids.js';

export const SCOPES = ['jobs:write', 'jobs:read', 'models:write', 'webhooks:manage', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: readonly string[];
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Creates an API key for `tenant` (creating the tenant too). Returns the token — `psk_` + 192 random bits — which
 * is shown this once: only its SHA-256 is stored. Used by `platescale keys create` and the embedded demo.
 */
export async function createApiKey(
  database: Database | Db,
  opts: { tenant: string; scopes: readonly string[] },
): Promise<{ key: string; keyId: string; tenantId: string; scopes: Scope[] }> {
  const db = 'db' in database ? database.db : database;
  if (!TENANT.test(opts.tenant)) {
    throw new ValidationError(`tenant '${opts.tenant}' must be 1-64 letters, digits, '.', '_' or '-'`, 'tenant');
  }
  const unknown = opts.scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || opts.scopes.length === 0) {
    throw new ValidationError(
      `scopes must be a non-empty subset of ${SCOPES.join(', ')} (got ${opts.scopes.join(',')})`,
      'scopes',
    );
  }
  const scopes = [...new Set(opts.scopes)] as Scope[];
  const key = `psk_${randomBytes(24).toString('base64url')}`;
  const keyId = newId('key');
  await db.insert(tables.tenants).values({ id: opts.tenant }).onConflictDoNothing();
  await db.insert(tables.apiKeys).values({
    id: keyId,
    tenantId: opts.tenant,
    hash: hashToken(key),
    prefix: key.slice(0, 8),
    scopes,
  });
  return { key, keyId, tenantId: opts.tenant, scopes };
}

/** createApiKey on the database the configuration names (DATABASE_URL, else the embedded PGlite): `keys create`. */
export async function createApiKeyForConfig(config: Config, opts: { tenant: string; scopes: readonly string[] }) {
  const database = await openConfiguredDatabase(config);
  try {
    return await createApiKey(database, opts);
  } finally {
    await database.close();
  }
}

/**
 * Resolves bearer tokens to principals. Verified keys are remembered for a few seconds so that a hot path
 * (GET /v1/jobs/{id} polled by lab systems) costs no database round trip; a revoked key stops working within
 * that window. Unknown tokens are never remembered (a flood of bad tokens cannot grow memory).
 */
export function createKeyVerifier(db: Db, rememberMs = 10_000) {
  const known = new Map<string, { principal: Principal; until: number }>();
  return async (token: string): Promise<Principal | undefined> => {
    const hash = hashToken(token);
    const hit = known.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.principal;
    const [row] = await db
      .select({ id: tables.apiKeys.id, tenantId: tables.apiKeys.tenantId, scopes: tables.apiKeys.scopes })
      .from(tables.apiKeys)
      .where(and(eq(tables.apiKeys.hash, hash), isNull(tables.apiKeys.revokedAt)));
    if (!row) {
      known.delete(hash);
      return undefined;
    }
    const principal = { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes };
    known.set(hash, { principal, until: now + rememberMs });
    return principal;
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { type Database, type Db, tables } from '@platescale/db';
import { NotFoundError, ValidationError } from '@platescale/shared';
import { and, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import { ForbiddenError } from '../errors.js';
import type { ApiKeyView } from '../schemas/keys.js';
import { decodeCursor, paginate } from '../services/cursor.js';
import { newId } from '../services/ids.js';

export const SCOPES = ['jobs:write', 'jobs:read', 'models:write', 'webhooks:manage', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  tenantId: string;
  keyId: string;
  scopes: readonly string[];
}

const { apiKeys } = tables;
type ApiKeyRow = typeof apiKeys.$inferSelect;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const dbOf = (database: Database | Db): Db => ('db' in database ? database.db : database);

/** What may be shown of a key: never the token nor its hash. */
function toView(row: ApiKeyRow): ApiKeyView {
  return {
    keyId: row.id,
    prefix: row.prefix,
    scopes: row.scopes as Scope[],
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API key for `tenant` (creating the tenant too). Returns the token — `psk_` + 192 random bits — which
 * is shown this once: only its SHA-256 is stored. Used by `platescale keys create`, POST /v1/keys and the demo.
 */
export async function createApiKey(
  database: Database | Db,
  opts: { tenant: string; scopes: readonly string[] },
): Promise<ApiKeyView & { key: string; tenantId: string }> {
  const db = dbOf(database);
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
  const key = `psk_${randomBytes(24).toString('base64url')}`;
  await db.insert(tables.tenants).values({ id: opts.tenant }).onConflictDoNothing();
  const [row] = await db
    .insert(apiKeys)
    .values({
      id: newId('key'),
      tenantId: opts.tenant,
      hash: hashToken(key),
      prefix: key.slice(0, 8),
      scopes: [...new Set(opts.scopes)],
    })
    .returning();
  return { ...toView(row!), key, tenantId: opts.tenant };
}

/** `admin` holds every scope. */
export const holdsScope = (held: readonly string[], scope: string): boolean =>
  held.includes(scope) || held.includes('admin');

/** A key may only hand out scopes it holds itself (no escalation through POST /v1/keys). */
export function assertGrantable(held: readonly string[], requested: readonly string[]): void {
  const missing = requested.find((s) => !holdsScope(held, s));
  if (missing) throw new ForbiddenError(missing);
}

/** The tenant's keys, revoked ones included, newest first. */
export async function listApiKeys(
  database: Database | Db,
  tenantId: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
  const after = decodeCursor(page.cursor, 1);
  const rows = await dbOf(database)
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), after ? lt(apiKeys.id, String(after[0])) : undefined))
    .orderBy(desc(apiKeys.id))
    .limit(page.limit + 1);
  const { items, nextCursor } = paginate(rows, page.limit, (r) => [r.id]);
  return { items: items.map(toView), nextCursor };
}

/**
 * What the verifiers over one database remember, shared so that a revocation through revokeApiKey reaches every
 * cache of this process at once. `epoch` moves on with each revocation: a lookup that read the row before it
 * must not cache what it read.
 */
interface KeyCache {
  entries: Map<string, { principal: Principal; until: number }>;
  epoch: number;
}
const caches = new WeakMap<Db, KeyCache>();

function cacheOf(db: Db): KeyCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = { entries: new Map(), epoch: 0 };
    caches.set(db, cache);
  }
  return cache;
}

/**
 * Revokes a key (sets revokedAt; revoking a revoked key keeps its first revokedAt). With `tenantId`, a key of
 * another tenant is as unknown as a missing one: NotFoundError. In this process the key stops working at once;
 * other processes (API replicas, `serve` while the CLI revokes) keep accepting it until their verifier's memory of
 * it expires — at most `rememberMs` (10 s) of createKeyVerifier.
 */
export async function revokeApiKey(
  database: Database | Db,
  keyId: string,
  tenantId?: string,
): Promise<ApiKeyView & { tenantId: string }> {
  const db = dbOf(database);
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, keyId), tenantId === undefined ? undefined : eq(apiKeys.tenantId, tenantId)))
    .returning();
  if (!row) throw new NotFoundError('API key', keyId);
  const cache = cacheOf(db);
  cache.epoch++;
  for (const [hash, hit] of cache.entries) if (hit.principal.keyId === keyId) cache.entries.delete(hash);
  return { ...toView(row), tenantId: row.tenantId };
}

/**
 * Whether `token` is a key this process verified within the verifier's memory (10 s): what can be let past the
 * per-address limit on requests that would cost a database lookup, without one.
 */
export function isRememberedKey(database: Database | Db, token: string | undefined): boolean {
  if (token === undefined) return false;
  const hit = cacheOf(dbOf(database)).entries.get(hashToken(token));
  return hit !== undefined && hit.until > Date.now();
}

/**
 * Resolves bearer tokens to principals. Verified keys are remembered for `rememberMs` so that a hot path
 * (GET /v1/jobs/{id} polled by lab systems) costs no database round trip. A key revoked through revokeApiKey in this
 * process stops working at once; revoked anywhere else (another process, plain SQL) it keeps working for up to
 * `rememberMs`. Unknown tokens are never remembered (a flood of bad tokens cannot grow memory).
 */
export function createKeyVerifier(db: Db, rememberMs = 10_000) {
  const cache = cacheOf(db);
  return async (token: string): Promise<Principal | undefined> => {
    const hash = hashToken(token);
    const hit = cache.entries.get(hash);
    const now = Date.now();
    if (hit && hit.until > now) return hit.principal;
    const epoch = cache.epoch;
    const [row] = await db
      .select({ id: apiKeys.id, tenantId: apiKeys.tenantId, scopes: apiKeys.scopes })
      .from(apiKeys)
      .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)));
    if (!row) {
      cache.entries.delete(hash);
      return undefined;
    }
    const principal = { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes };
    if (cache.epoch === epoch) cache.entries.set(hash, { principal, until: now + rememberMs });
    return principal;
  };
}

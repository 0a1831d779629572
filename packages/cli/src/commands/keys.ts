import { createApiKey, listApiKeys, revokeApiKey, SCOPES } from '@platescale/api';
import { type Database, openConfiguredDatabase } from '@platescale/db';
import { loadConfig, ValidationError } from '@platescale/shared';
import { parseCommandArgs } from '../lib/args.js';
import { formatTable } from '../lib/table.js';

const USAGE = `usage: platescale keys create --tenant T --scopes ${SCOPES.join(',')}
       platescale keys list --tenant T [--json]
       platescale keys revoke <keyId>`;

/** Opens the configured database (DATABASE_URL, else the embedded PGlite) for one subcommand. */
async function onDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openConfiguredDatabase(loadConfig());
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function requireTenant(tenant: string | undefined): string {
  if (!tenant) throw new ValidationError(`--tenant is required\n${USAGE}`, 'tenant');
  return tenant;
}

/**
 * `keys create` shows the key once, alone on the last line of stdout (scripts take `tail -n1`); only its hash is
 * stored.
 */
async function create(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { tenant: { type: 'string' }, scopes: { type: 'string' } }, false);
  const tenant = requireTenant(values.tenant);
  if (!values.scopes) throw new ValidationError(`--scopes is required\n${USAGE}`, 'scopes');
  const scopes = values.scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const created = await onDatabase((database) => createApiKey(database, { tenant, scopes }));
  process.stdout.write(
    `created key ${created.keyId} for tenant ${created.tenantId} (scopes ${created.scopes.join(',')})\n`,
  );
  process.stdout.write(`${created.key}\n`);
  return 0;
}

/** `keys list`: every key of the tenant, revoked ones included; never the key or its hash. */
async function list(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { tenant: { type: 'string' }, json: { type: 'boolean' } }, false);
  const tenant = requireTenant(values.tenant);
  const keys = await onDatabase(async (database) => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await listApiKeys(database, tenant, { limit: 1000, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
    return 0;
  }
  const rows = keys.map((k) => [k.keyId, k.prefix, k.scopes.join(','), k.createdAt, k.revokedAt]);
  process.stdout.write(`${formatTable(['key', 'prefix', 'scopes', 'created', 'revoked'], rows)}\n`);
  return 0;
}

/** `keys revoke <keyId>`: idempotent; a running API notices within its 10 s verified-key cache. */
async function revoke(args: string[]): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length !== 1) throw new ValidationError(`keys revoke takes one key id\n${USAGE}`);
  const revoked = await onDatabase((database) => revokeApiKey(database, positionals[0]!));
  process.stdout.write(
    `revoked key ${revoked.keyId} of tenant ${revoked.tenantId} at ${revoked.revokedAt} ` +
      '(a running API stops accepting it within 10 s)\n',
  );
  return 0;
}

const SUBCOMMANDS = new Map([
  ['create', create],
  ['list', list],
  ['revoke', revoke],
]);

/** `platescale keys create|list|revoke`: API keys, straight on the configured database. */
export async function run(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const sub = name === undefined ? undefined : SUBCOMMANDS.get(name);
  if (!sub) throw new ValidationError(USAGE);
  return sub(rest);
}

import { createApiKeyForConfig, SCOPES } from '@platescale/api';
import { loadConfig, ValidationError } from '@platescale/shared';
import { parseCommandArgs } from '../lib/args.js';

const USAGE = `usage: platescale keys create --tenant T --scopes ${SCOPES.join(',')}`;

/**
 * `platescale keys create --tenant T --scopes a,b`: creates an API key on the configured database. The key is
 * shown once, alone on the last line of stdout (scripts take `tail -n1`); only its hash is stored.
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    tenant: { type: 'string' },
    scopes: { type: 'string' },
  });
  if (positionals[0] !== 'create' || positionals.length !== 1) throw new ValidationError(USAGE);
  if (!values.tenant) throw new ValidationError(`--tenant is required\n${USAGE}`, 'tenant');
  if (!values.scopes) throw new ValidationError(`--scopes is required\n${USAGE}`, 'scopes');
  const scopes = values.scopes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const created = await createApiKeyForConfig(loadConfig(), { tenant: values.tenant, scopes });
  process.stdout.write(
    `created key ${created.keyId} for tenant ${created.tenantId} (scopes ${created.scopes.join(',')})\n`,
  );
  process.stdout.write(`${created.key}\n`);
  return 0;
}

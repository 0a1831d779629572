import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ValidationError } from '@platescale/shared';
import { AWS_RETRY_CONFIG, mapAwsError } from '../aws/errors.js';

/** The JSON of an RDS-generated credentials secret (the fields this needs). */
interface RdsSecret {
  username: string;
  password: string;
  host: string;
  port: number | string;
  dbname?: string;
}

/**
 * DATABASE_URL for a process deployed with only DATABASE_SECRET_ARN (Lambda has no native secret injection,
 * and the URL must not sit in plain environment variables). An explicit DATABASE_URL wins. TLS is verified:
 * RDS forces SSL, and the images trust the RDS CA bundle (NODE_EXTRA_CA_CERTS).
 */
export async function resolveDatabaseUrl(
  env: NodeJS.ProcessEnv,
  client: SecretsManagerClient = new SecretsManagerClient({ region: env.AWS_REGION, ...AWS_RETRY_CONFIG }),
): Promise<string | undefined> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const secretId = env.DATABASE_SECRET_ARN;
  if (!secretId) return undefined;
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (err) {
    throw mapAwsError(err, `reading the database secret ${secretId}`);
  }
  const secret = parseSecret(text, secretId);
  const user = encodeURIComponent(secret.username);
  const password = encodeURIComponent(secret.password);
  const database = encodeURIComponent(secret.dbname ?? 'postgres');
  return `postgres://${user}:${password}@${secret.host}:${secret.port}/${database}?sslmode=verify-full`;
}

function parseSecret(text: string | undefined, secretId: string): RdsSecret {
  let value: Partial<RdsSecret> | undefined;
  try {
    value = text ? (JSON.parse(text) as Partial<RdsSecret>) : undefined;
  } catch {
    value = undefined;
  }
  for (const field of ['username', 'password', 'host', 'port'] as const) {
    if (value?.[field] === undefined || value[field] === '') {
      throw new ValidationError(`database secret ${secretId} has no '${field}' (expected RDS credentials JSON)`, field);
    }
  }
  return value as RdsSecret;
}

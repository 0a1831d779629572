import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { UnavailableError, ValidationError } from '@platescale/shared';
import { mockClient } from 'aws-sdk-client-mock';
import t from 'tap';
import { resolveDatabaseUrl } from '../../src/secrets/database-url.js';

const sm = mockClient(SecretsManagerClient);
t.beforeEach(() => sm.reset());
const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf';

t.test('an RDS secret becomes a verified-TLS postgres URL, credentials escaped', async (t) => {
  sm.on(GetSecretValueCommand, { SecretId: arn }).resolves({
    SecretString: JSON.stringify({
      username: 'platescale',
      password: 'p@ss:w/rd',
      host: 'db.example.rds.amazonaws.com',
      port: 5432,
      dbname: 'platescale',
      engine: 'postgres',
    }),
  });
  const url = await resolveDatabaseUrl({ DATABASE_SECRET_ARN: arn, AWS_REGION: 'us-east-1' });
  t.equal(
    url,
    'postgres://platescale:p%40ss%3Aw%2Frd@db.example.rds.amazonaws.com:5432/platescale?sslmode=verify-full',
  );
  t.equal(new URL(url as string).password, 'p%40ss%3Aw%2Frd');
});

t.test('an explicit DATABASE_URL wins; neither set means none', async (t) => {
  t.equal(await resolveDatabaseUrl({ DATABASE_URL: 'postgres://x@y/z', DATABASE_SECRET_ARN: arn }), 'postgres://x@y/z');
  t.equal(await resolveDatabaseUrl({}), undefined);
  t.equal(sm.calls().length, 0, 'Secrets Manager is not called');
});

t.test('a malformed secret and an unavailable service are named', async (t) => {
  sm.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"u"}' });
  await t.rejects(resolveDatabaseUrl({ DATABASE_SECRET_ARN: arn, AWS_REGION: 'us-east-1' }), ValidationError);
  sm.on(GetSecretValueCommand).rejects(
    new SecretsManagerServiceException({
      name: 'InternalServiceError',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    }),
  );
  await t.rejects(resolveDatabaseUrl({ DATABASE_SECRET_ARN: arn, AWS_REGION: 'us-east-1' }), UnavailableError);
});

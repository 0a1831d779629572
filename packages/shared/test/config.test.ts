import t from 'tap';
import { loadConfig } from '../src/config.js';
import { ValidationError } from '../src/errors.js';

t.test('nothing set: every adapter is the embedded one', async (t) => {
  const c = loadConfig({});
  t.same(c.adapters, {
    database: 'pglite',
    cache: 'memory',
    objects: 'filesystem',
    workflow: 'local',
    events: 'in-process',
  });
  t.equal(c.bucket, 'platescale');
  t.equal(c.PORT, 3000);
  t.ok(c.WORKERS >= 1);
  t.ok(c.home.startsWith('/'), 'home is absolute');
});

t.test('each variable selects its adapter', async (t) => {
  const c = loadConfig({
    DATABASE_URL: 'postgres://u@db:5432/x',
    REDIS_URL: 'redis://cache:6379',
    S3_BUCKET: 'images-bucket',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:platescale',
    EVENT_BUS_NAME: 'platescale',
    PORT: '8080',
    WORKERS: '3',
  });
  t.same(c.adapters, {
    database: 'postgres',
    cache: 'redis',
    objects: 's3',
    workflow: 'stepfunctions',
    events: 'eventbridge',
  });
  t.equal(c.bucket, 'images-bucket');
  t.equal(c.PORT, 8080);
  t.equal(c.WORKERS, 3);
});

t.test('bad values are named in one error', async (t) => {
  const err = t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x', PORT: 'eighty', LOG_LEVEL: 'loud' })) as Error;
  t.type(err, ValidationError);
  t.match(err.message, /DATABASE_URL/);
  t.match(err.message, /PORT/);
  t.match(err.message, /LOG_LEVEL/);
});

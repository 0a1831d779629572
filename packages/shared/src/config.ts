import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { ValidationError } from './errors.js';

/**
 * Every environment variable platescale reads, parsed once. Each optional service URL picks an adapter:
 * unset means the embedded one (PGlite, in-memory cache, filesystem objects, local engine, in-process bus).
 */
export const EnvSchema = Type.Object({
  PLATESCALE_MODE: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  PLATESCALE_HOME: Type.String({
    default: '.platescale',
    description: 'Embedded state: PGlite data, objects, checkpoints',
  }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DATABASE_SCHEMA: Type.String({ default: 'public', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  CACHE_PREFIX: Type.String({ default: 'platescale:' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3 })),
  S3_ENDPOINT: Type.Optional(Type.String()),
  LOCAL_BUCKET: Type.String({ default: 'platescale', description: 'Bucket name of the filesystem store' }),
  STATE_MACHINE_ARN: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:states:' })),
  EVENT_BUS_NAME: Type.Optional(Type.String({ minLength: 1 })),
  EVENTS_REDIS_URL: Type.Optional(
    Type.String({
      pattern: '^rediss?://',
      description: 'Completion events over a Redis stream between processes (docker compose); unset: in-process',
    }),
  ),
  LAMBDA_ENDPOINTS: Type.Optional(
    Type.String({
      pattern: '^[\\w.-]+=https?://\\S+(,[\\w.-]+=https?://\\S+)*$',
      description:
        'Local engine: invoke these Lambda functions over the Runtime Interface Emulator, name=url[|url…],… (docker compose)',
    }),
  ),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535 }),
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ],
    { default: 'info' },
  ),
  WORKERS: Type.Integer({ minimum: 1, maximum: 256, description: 'Segmenter worker threads (default: cores)' }),
  MAX_CONCURRENCY_CAP: Type.Integer({
    default: 1000,
    minimum: 1,
    description: 'Largest maxConcurrency a job may ask for',
  }),
  MAX_BATCH_SIZE: Type.Integer({ default: 100, minimum: 1 }),
  SEGMENTER_MAX_PIXELS: Type.Integer({
    default: 67108864,
    minimum: 1,
    description: 'Images with more pixels fail their item unread (decompression-bomb guard)',
  }),
  SEGMENTER_WORKER_HEAP_MB: Type.Optional(
    Type.Integer({
      minimum: 16,
      description:
        "Old-generation heap limit of each segmenter worker thread (MB): a runaway batch then kills its worker, not the process (default: Node's)",
    }),
  ),
  EXPERIMENT_CACHE_TTL_SECONDS: Type.Integer({ default: 300, minimum: 1 }),
  API_RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 6000,
    minimum: 1,
    description: 'Requests per API key per minute',
  }),
  API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE: Type.Integer({
    default: 600,
    minimum: 1,
    description:
      'Requests per client address per minute that carry no key verified in the last 10 s (none, invalid, or a first use): limited before any database lookup',
  }),
  API_MAX_STREAMS_PER_KEY: Type.Integer({
    default: 8,
    minimum: 1,
    description: 'Open progress streams (SSE) per API key and API process',
  }),
  API_BODY_LIMIT_BYTES: Type.Integer({ default: 1048576, minimum: 1024 }),
  ENGINE_LEASE_SECONDS: Type.Number({
    default: 15,
    minimum: 0.3,
    description:
      "Local engine: how long a process holds an execution without renewing it; processes sharing a database adopt a dead one's executions after this",
  }),
  WEBHOOK_RETRY_SCHEDULE_SECONDS: Type.String({
    default: '5,300,1800,7200,18000,36000,36000',
    pattern: '^\\d+(\\.\\d+)?(,\\d+(\\.\\d+)?)*$',
    description: 'Delays before each webhook retry (Standard Webhooks schedule, ~27 h in all); jittered',
  }),
  WEBHOOK_ALLOW_LOCALHOST: Type.Union([Type.Literal('true'), Type.Literal('false')], {
    default: 'false',
    description: 'Dev flag: webhook URLs may be http://localhost / loopback (demo, tests)',
  }),
});

export type Env = Static<typeof EnvSchema>;

export interface Config extends Env {
  /** Absolute PLATESCALE_HOME. */
  home: string;
  /** The bucket jobs read and write: S3_BUCKET, or LOCAL_BUCKET in the filesystem store. */
  bucket: string;
  adapters: {
    database: 'postgres' | 'pglite';
    cache: 'redis' | 'memory';
    objects: 's3' | 'filesystem';
    workflow: 'stepfunctions' | 'local';
    events: 'eventbridge' | 'redis-stream' | 'in-process';
  };
}

const INTEGER_KEYS = new Set([
  'PORT',
  'WORKERS',
  'MAX_CONCURRENCY_CAP',
  'MAX_BATCH_SIZE',
  'SEGMENTER_MAX_PIXELS',
  'SEGMENTER_WORKER_HEAP_MB',
  'EXPERIMENT_CACHE_TTL_SECONDS',
  'API_RATE_LIMIT_PER_MINUTE',
  'API_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE',
  'API_MAX_STREAMS_PER_KEY',
  'API_BODY_LIMIT_BYTES',
]);

const NUMBER_KEYS = new Set(['ENGINE_LEASE_SECONDS']);

/** Parses the environment against EnvSchema; throws a ValidationError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = { WORKERS: availableParallelism() };
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = env[key];
    if (v === undefined || v === '') continue;
    const numeric = (INTEGER_KEYS.has(key) && /^-?\d+$/.test(v)) || (NUMBER_KEYS.has(key) && /^\d+(\.\d+)?$/.test(v));
    raw[key] = numeric ? Number(v) : v;
  }
  const withDefaults = Value.Default(EnvSchema, raw);
  const errors = [...Value.Errors(EnvSchema, withDefaults)];
  if (errors.length > 0) {
    const list = errors.map((e) => `${e.instancePath.replace(/^\//, '') || '(env)'}: ${e.message}`).join('; ');
    throw new ValidationError(`invalid configuration: ${list}`);
  }
  const parsed = withDefaults as Env;
  return {
    ...parsed,
    home: resolve(parsed.PLATESCALE_HOME),
    bucket: parsed.S3_BUCKET ?? parsed.LOCAL_BUCKET,
    adapters: {
      database: parsed.DATABASE_URL ? 'postgres' : 'pglite',
      cache: parsed.REDIS_URL ? 'redis' : 'memory',
      objects: parsed.S3_BUCKET ? 's3' : 'filesystem',
      workflow: parsed.STATE_MACHINE_ARN ? 'stepfunctions' : 'local',
      events: parsed.EVENT_BUS_NAME ? 'eventbridge' : parsed.EVENTS_REDIS_URL ? 'redis-stream' : 'in-process',
    },
  };
}

import { join } from 'node:path';
import type { Cache, Config, EventBus, ObjectStore } from '@platescale/shared';
import { createMemoryCache } from './cache/memory.js';
import { createRedisCache } from './cache/redis.js';
import { createEventBridgeBus } from './events/eventbridge.js';
import { createInProcessEventBus } from './events/in-process.js';
import { createRedisStreamEventBus } from './events/redis-stream.js';
import type { AdapterLogger } from './logger.js';
import { createFilesystemObjectStore } from './objects/filesystem.js';
import { createS3ObjectStore } from './objects/s3.js';

/** The account id the embedded bus stamps on envelopes (there is no AWS account to name). */
export const LOCAL_ACCOUNT_ID = '000000000000';

export function createCache(config: Config, logger?: AdapterLogger): Cache {
  return config.REDIS_URL
    ? createRedisCache(config.REDIS_URL, config.CACHE_PREFIX, logger ? { logger } : {})
    : createMemoryCache();
}

export function createObjectStore(config: Config): ObjectStore {
  return config.S3_BUCKET
    ? createS3ObjectStore({
        bucket: config.S3_BUCKET,
        region: config.AWS_REGION,
        ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      })
    : createFilesystemObjectStore(join(config.home, 'objects'), config.bucket);
}

/** EventBridge on AWS; a Redis stream between the processes of docker compose; else in-process. */
export function createEventBus(config: Config, logger?: AdapterLogger): EventBus {
  const origin = { region: config.AWS_REGION, account: LOCAL_ACCOUNT_ID, ...(logger ? { logger } : {}) };
  if (config.EVENT_BUS_NAME) return createEventBridgeBus({ busName: config.EVENT_BUS_NAME, region: config.AWS_REGION });
  if (config.EVENTS_REDIS_URL) {
    return createRedisStreamEventBus({
      ...origin,
      url: config.EVENTS_REDIS_URL,
      stream: `${config.CACHE_PREFIX}events`,
    });
  }
  return createInProcessEventBus(origin);
}

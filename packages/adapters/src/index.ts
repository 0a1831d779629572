export { AWS_RETRY_CONFIG, isThrottling, isTransient, mapAwsError } from './aws/errors.js';
export { createMemoryCache, type MemoryCacheOptions } from './cache/memory.js';
export { createRedisCache, type RedisCacheOptions } from './cache/redis.js';
export {
  AdapterError,
  EventPublishError,
  EventTooLargeError,
  InvalidTtlError,
  LambdaFunctionError,
  ObjectKeyConflictError,
  ObjectStoreFullError,
} from './errors.js';
export { MAX_ENTRIES_PER_REQUEST, MAX_ENTRY_BYTES } from './events/entry.js';
export { createEventBridgeBus, type EventBridgeBusOptions } from './events/eventbridge.js';
export { createInProcessEventBus, type InProcessEventBusOptions } from './events/in-process.js';
export { createRedisStreamEventBus, type RedisStreamEventBusOptions } from './events/redis-stream.js';
export { createCache, createEventBus, createObjectStore, LOCAL_ACCOUNT_ID } from './factories.js';
export {
  createEmulatorInvoker,
  createEmulatorInvokers,
  type LambdaInvoker,
  parseLambdaEndpoints,
} from './lambda/emulator.js';
export type { AdapterLogger } from './logger.js';
export { createFilesystemObjectStore, type FilesystemObjectStoreOptions } from './objects/filesystem.js';
export { assertBucketName, assertSafeKey } from './objects/keys.js';
export { createS3ObjectStore, type S3ObjectStoreOptions } from './objects/s3.js';
export { resolveDatabaseUrl } from './secrets/database-url.js';
export { createStepFunctionsWorkflow, type StepFunctionsWorkflowOptions } from './workflow/sfn.js';

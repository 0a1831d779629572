import { Logger } from '@aws-lambda-powertools/logger';
import { createObjectStore } from '@platescale/adapters';
import { loadConfig } from '@platescale/shared';

// Created once per Lambda execution environment and reused by every invocation. The database lives in
// database.ts so that ListImageSets (S3 only, outside the VPC) never opens one.
export const config = loadConfig();
export const logger = new Logger({ serviceName: 'platescale-aggregator' });
export const objects = createObjectStore(config);
